import { GregorError, sleep } from '@gregor/common';
import { BrokerConnection, type CallOptions, type RpcName, type Rpcs } from './broker-connection';
import { isTransportError, withoutName } from './errors';
import { MetadataCache, parseMetadata, type ClusterMetadata } from './metadata';
import type { ResolvedClientOptions } from './options';

/**
 * Connections (one channel per broker address) and the metadata cache,
 * shared by every producer, consumer and admin of one client.
 *
 * Failover: calls that may go to any broker (metadata, admin) try the broker
 * that last answered, then every broker metadata named, then the bootstrap
 * list, moving on only when a broker does not answer at all. Calls that must
 * go to a leader use `connectionForNode` and refresh metadata on failure —
 * from another broker than the leader that failed them (`distrust`): a
 * leader cut off from the cluster has the stalest picture of all.
 */
export class Cluster {
  readonly metadata = new MetadataCache();
  private readonly connections = new Map<string, BrokerConnection>();
  /** Topics whose metadata we keep. */
  private readonly interest = new Set<string>();
  private lastGood: string | undefined;
  private current: Promise<ClusterMetadata> | undefined;
  private next: Promise<ClusterMetadata> | undefined;
  private scheduled: Promise<void> | undefined;
  private lastRefreshEndMs = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** Addresses asked last until another broker answers, with when (a sequence number) each was last distrusted. */
  private readonly distrusted = new Map<string, number>();
  private distrustSeq = 0;

  constructor(readonly opts: ResolvedClientOptions) {}

  /** The connection to `address`, opened on first use. */
  connection(address: string): BrokerConnection {
    if (this.closed) throw new GregorError('NETWORK_EXCEPTION', 'client is closed', { transport: true });
    let conn = this.connections.get(address);
    if (conn === undefined) {
      conn = new BrokerConnection(address, { clientId: this.opts.clientId, requestTimeoutMs: this.opts.requestTimeoutMs });
      this.connections.set(address, conn);
    }
    return conn;
  }

  /**
   * The partition's leader as metadata names it (undefined: unknown or
   * none), for a request that must go to it. The topic joins the topics
   * kept fresh (track): refreshes ask for tracked topics only, and a topic
   * that entered the cache another way (an admin describe, an all-topics
   * fetch) would otherwise keep the leader it had then for good — after
   * that leader died, its requests would wait on refreshes that never
   * name the new one. Every leader-bound request routes through here.
   */
  leaderOf(topic: string, partition: number): number | undefined {
    this.interest.add(topic);
    return this.metadata.leaderOf(topic, partition);
  }

  /** The connection to a node named in metadata, or undefined when metadata does not know it. */
  connectionForNode(nodeId: number): BrokerConnection | undefined {
    const broker = this.metadata.broker(nodeId);
    return broker === undefined ? undefined : this.connection(broker.address);
  }

  /** Addresses to try for "any broker" calls, best first. */
  candidates(): string[] {
    return orderCandidates(this.lastGood, this.metadata.allBrokers().map((b) => b.address), this.opts.bootstrap, this.distrusted);
  }

  /**
   * Broker `nodeId` failed a leader-bound request in a way that says
   * metadata is stale (NOT_LEADER_OR_FOLLOWER, no answer in time…). It may
   * be the stale one — a leader cut off from the quorum still believes it
   * leads — so the next "any broker" calls (the metadata refresh first) ask
   * it only after every other broker, until another broker has answered one.
   * When several are distrusted, the most recently distrusted goes last.
   */
  distrust(nodeId: number): void {
    const address = this.metadata.broker(nodeId)?.address;
    if (address !== undefined) this.distrustAddress(address);
  }

  private distrustAddress(address: string): void {
    // Bounded by the brokers this client knows; a runaway map is simply reset.
    if (this.distrusted.size >= 256) this.distrusted.clear();
    this.distrusted.set(address, ++this.distrustSeq);
  }

  /**
   * Sends to the first broker that answers. A broker that answers with an
   * error ends the search (the error is the cluster's answer); one that does
   * not answer is skipped. Throws the last transport error when none answers.
   */
  async callAny<M extends RpcName>(method: M, request: Rpcs[M][0], opts: CallOptions = {}): Promise<Rpcs[M][1]> {
    let lastError: unknown;
    for (const address of this.candidates()) {
      try {
        const res = await this.connection(address).call(method, request, opts);
        this.lastGood = address;
        // Another broker's answer is in: the distrusted ones no longer lead the list anyway.
        if (!this.distrusted.has(address)) this.distrusted.clear();
        return res;
      } catch (err) {
        if (!isTransportError(err) || opts.signal?.aborted === true) throw err;
        lastError = err;
        if (this.lastGood === address) this.lastGood = undefined;
        this.opts.logger.debug('broker did not answer, trying the next one', { broker: address, method, error: String(err) });
      }
    }
    throw lastError instanceof GregorError
      ? new GregorError(lastError.errorName, `no broker answered (tried ${this.candidates().join(', ')}); last: ${withoutName(lastError.message)}`, lastError.context, lastError)
      : new GregorError('NETWORK_EXCEPTION', 'no broker to ask', { transport: true });
  }

  /**
   * Fetches metadata for the topics of interest plus `topics` (all topics
   * when there are none). Concurrent callers share one request; a caller
   * that arrives while one is running gets the next one, so that its topics
   * are included.
   */
  refreshMetadata(topics: readonly string[] = []): Promise<ClusterMetadata> {
    for (const t of topics) this.interest.add(t);
    if (this.current === undefined) {
      this.current = this.fetchMetadata().finally(() => {
        this.current = undefined;
        this.lastRefreshEndMs = this.opts.clock.monotonicMs();
      });
      return this.current;
    }
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.refreshMetadata();
      });
    return this.next;
  }

  /**
   * Asks for a refresh soon, at most one per retry backoff; never rejects.
   * Callers retry their own work afterwards.
   */
  requestRefresh(): Promise<void> {
    if (this.scheduled !== undefined) return this.scheduled;
    const wait = Math.max(0, this.lastRefreshEndMs + this.opts.retry.initialBackoffMs - this.opts.clock.monotonicMs());
    const scheduled = (wait > 0 ? sleep(wait) : Promise.resolve())
      .then(() => this.refreshMetadata())
      .then(
        () => undefined,
        (err: unknown) => {
          this.opts.logger.warn('metadata refresh failed', { error: String(err) });
        },
      )
      .finally(() => {
        this.scheduled = undefined;
      });
    this.scheduled = scheduled;
    return scheduled;
  }

  /** Starts a background refresh when metadata is older than metadataMaxAgeMs. */
  maybeRefreshStale(): void {
    if (this.opts.clock.monotonicMs() - this.metadata.updatedAtMs > this.opts.metadataMaxAgeMs) void this.requestRefresh();
  }

  /** Adds topics to the set kept fresh (the topics refreshes ask for), without fetching now. */
  track(topics: readonly string[]): void {
    for (const t of topics) this.interest.add(t);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const conn of this.connections.values()) conn.close();
    this.connections.clear();
  }

  private async fetchMetadata(): Promise<ClusterMetadata> {
    const topics = [...this.interest];
    const startedMs = this.opts.clock.monotonicMs();
    const res = await this.callAny('Metadata', { topics, allowAutoTopicCreation: false });
    this.opts.logger.debug('metadata refreshed', { broker: this.lastGood, ms: Math.round(this.opts.clock.monotonicMs() - startedMs), topics: res.topics.length });
    const md = parseMetadata(res);
    // A broker cut off from the cluster names no leader for the partitions
    // it led (and a leader election may be under way): ask another broker
    // first next time rather than the same one again and again.
    const answeredBy = this.lastGood;
    if (answeredBy !== undefined && md.topics.some((t) => t.partitions.some((p) => p.leader < 0))) this.distrustAddress(answeredBy);
    this.metadata.apply(md, topics.length === 0 ? 'all' : topics, this.opts.clock.monotonicMs());
    return md;
  }
}

/**
 * "Any broker" order: the broker that last answered, then those metadata
 * names, then the bootstrap list — each once, and the distrusted ones last
 * (still asked: they may be all that is left), the most recently
 * distrusted (highest sequence number) at the very end.
 */
export function orderCandidates(
  lastGood: string | undefined,
  brokers: readonly string[],
  bootstrap: readonly string[],
  distrusted: ReadonlyMap<string, number>,
): string[] {
  const all = [...new Set([...(lastGood !== undefined ? [lastGood] : []), ...brokers, ...bootstrap])];
  const suspects = all.filter((a) => distrusted.has(a)).sort((a, b) => distrusted.get(a)! - distrusted.get(b)!);
  return [...all.filter((a) => !distrusted.has(a)), ...suspects];
}
