import { randomUUID } from 'node:crypto';
import type { Logger } from '@gregor/common';
import { FAILURE_DETECTION_DEFAULTS, GregorError, silentLogger } from '@gregor/common';
import type { AlterPartitionItemResult, ControllerClient } from './controller-client';
import type { BrokerRegistration } from './image';
import type { CatchUpEvent, CatchUpState } from './metadata-catch-up';
import { afterCatchUpFetch, CAUGHT_UP, catchUpLagMs, observeCatchUp } from './metadata-catch-up';
import type {
  AlterIsrRequest,
  BrokerEndpoint,
  MetadataEvent,
  MetadataImageSource,
  NewTopicSpec,
  PartitionAssignment,
  TopicMetadataView,
} from './metadata-view';
import { eventsFor, topicsChangedBy, topicView } from './metadata-view';

/**
 * The broker's MetadataSource answered by the controller quorum (KRaft's
 * broker side):
 * - reads come from the local applied MetadataImage (the co-located
 *   controller in combined mode, or a MetadataFollower on a broker-only node);
 * - the broker registers with an incarnation id and heartbeats every
 *   `heartbeatIntervalMs`, reporting how far it has applied the log; the
 *   controller unfences it once it has caught up;
 * - admin writes go to the active controller through ControllerClient, and
 *   resolve once the local image has applied them (read-your-writes);
 * - each applied batch becomes broker events.
 */

export interface ControllerMetadataSourceOptions {
  clusterId: string;
  nodeId: number;
  source: MetadataImageSource;
  client: ControllerClient;
  /** broker.heartbeat.interval.ms. Default FAILURE_DETECTION_DEFAULTS (125). */
  heartbeatIntervalMs?: number;
  /** broker.session.timeout.ms: bounds how long one heartbeat may take (heartbeatTiming). Default FAILURE_DETECTION_DEFAULTS (750). */
  sessionTimeoutMs?: number;
  /** How long registerBroker waits to be registered and unfenced. Default 60000. */
  registrationTimeoutMs?: number;
  /** How long a write waits for the local image to catch up. Default 10000. */
  localApplyTimeoutMs?: number;
  /** Random per process start unless given. */
  incarnationId?: string;
  listenerName?: string;
  logger?: Logger;
}

type Waiter = { offset: number; resolve: () => void };

/**
 * How long one heartbeat may take, in attempts. The controller renews a
 * session when a heartbeat *arrives*, so what matters is that one arrives at
 * the active controller within every session: an attempt stuck on a voter
 * that no longer answers (the old controller, cut off) must give up early
 * enough for the next attempts — at the voter the quorum names — to fit in
 * the same session. So an attempt gets a third of the session (at least one
 * heartbeat interval), and the whole heartbeat at most one session; after
 * that the next heartbeat starts afresh.
 */
export function heartbeatTiming(heartbeatIntervalMs: number, sessionTimeoutMs: number): { rpcTimeoutMs: number; deadlineMs: number } {
  const rpcTimeoutMs = Math.max(heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3));
  return { rpcTimeoutMs, deadlineMs: Math.max(rpcTimeoutMs, sessionTimeoutMs) };
}

/**
 * How long one AlterPartition may take. With the client's defaults (5 s per
 * attempt, 15 s in all) an ISR change sent to a controller that had died or
 * was cut off waited out the whole attempt — and so did the acks=all
 * produces it would release, and a rejoining follower after a long cut.
 * Unlike a heartbeat it is a metadata write, which under load may take a
 * few hundred ms to commit, so an attempt gets a whole session (a third
 * would time out writes that are merely slow, and the retry would be
 * refused as stale); the whole call at most two. The leader retries a
 * failed change itself, with backoff.
 */
export function alterPartitionTiming(sessionTimeoutMs: number): { rpcTimeoutMs: number; deadlineMs: number } {
  return { rpcTimeoutMs: sessionTimeoutMs, deadlineMs: 2 * sessionTimeoutMs };
}

/** The active controller's last answer to this broker's heartbeat (readiness checks). */
export interface HeartbeatState {
  /** Date.now() when the answer arrived. */
  readonly atMs: number;
  readonly isFenced: boolean;
  /** The controller's judgement: this broker has applied the log up to its registration. */
  readonly isCaughtUp: boolean;
  /** The active controller's applied metadata offset when it answered. */
  readonly controllerOffset: number;
  /** The controller that answered. */
  readonly controllerId: number;
}

interface PendingAlter {
  item: { topic: string; partition: number; leaderEpoch: number; partitionEpoch: number; newIsr: readonly number[] };
  resolve: (a: PartitionAssignment) => void;
  reject: (err: unknown) => void;
}

/** Largest answer of one catch-up fetch; the rest comes with the next. */
const CATCH_UP_MAX_BYTES = 4 * 1024 * 1024;

/** Bound on AlterPartition calls waiting for the next RPC; beyond it they fail (retriable). */
const MAX_PENDING_ALTERS = 10_000;

export class ControllerMetadataSource {
  readonly clusterId: string;
  readonly incarnationId: string;
  private brokerEpochValue = -1;
  private fenced = true;
  private endpoint: BrokerEndpoint | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatInFlight = false;
  private closed = false;
  private readonly listeners = new Set<(e: MetadataEvent) => void>();
  private waiters: Waiter[] = [];
  private readonly unsubscribe: () => void;
  private readonly logger: Logger;
  private fencedWaiters: (() => void)[] = [];
  private pendingAlters: PendingAlter[] = [];
  /**
   * Views built from the image (the broker asks for a topic on every
   * produce and fetch); a batch drops the views of the topics it changed
   * (topicsChangedBy), the others stay valid.
   */
  private readonly viewCache = new Map<string, TopicMetadataView | undefined>();
  private allViews: readonly TopicMetadataView[] | undefined;
  private alterFlushScheduled = false;
  private lastHeartbeatAnswer: HeartbeatState | undefined;
  private catchUp: CatchUpState = CAUGHT_UP;
  private catchUpInFlight = false;
  /** The active controller the local metadata log names (its latest leader-change record); -1 unknown. */
  private namedController: number;
  private readonly heartbeatIntervalMs: number;
  private readonly sessionTimeoutMs: number;

  constructor(private readonly opts: ControllerMetadataSourceOptions) {
    this.clusterId = opts.clusterId;
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? FAILURE_DETECTION_DEFAULTS.brokerHeartbeatIntervalMs;
    this.sessionTimeoutMs = opts.sessionTimeoutMs ?? FAILURE_DETECTION_DEFAULTS.brokerSessionTimeoutMs;
    this.namedController = opts.source.image.lastLeaderChange?.leaderId ?? -1;
    this.incarnationId = opts.incarnationId ?? randomUUID();
    this.logger = opts.logger ?? silentLogger();
    this.unsubscribe = opts.source.subscribe((e) => {
      const changedTopics = topicsChangedBy(e.changes);
      if (changedTopics.size > 0) {
        for (const name of changedTopics) this.viewCache.delete(name);
        this.allViews = undefined;
      }
      if (e.changes.length > 0 && this.listeners.size > 0) {
        for (const ev of eventsFor(opts.source.image, e)) {
          for (const l of this.listeners) {
            try {
              l(ev);
            } catch (err) {
              this.logger.error(`metadata listener failed: ${(err as Error).message}`);
            }
          }
        }
      }
      this.maybeHeartbeatNewController();
      if (this.fencedWaiters.length > 0 && this.unfencedLocally()) for (const w of this.fencedWaiters.splice(0)) w();
      if (this.waiters.length > 0) {
        const ready = this.waiters.filter((w) => w.offset <= e.offset);
        this.waiters = this.waiters.filter((w) => w.offset > e.offset);
        for (const w of ready) w.resolve();
      }
    });
  }

  /** This broker's epoch (-1 before registration). */
  get brokerEpoch(): number {
    return this.brokerEpochValue;
  }

  /** The last heartbeat answer of the current registration; undefined before one arrives. */
  heartbeatState(): HeartbeatState | undefined {
    return this.lastHeartbeatAnswer;
  }

  /** Fenced as the local image sees it (the controller's answer reaches the image a moment later). */
  get isFenced(): boolean {
    return !this.unfencedLocally();
  }

  private unfencedLocally(): boolean {
    const b = this.opts.source.image.broker(this.opts.nodeId);
    return b !== undefined && b.brokerEpoch === this.brokerEpochValue && !b.fenced;
  }

  /**
   * The active controller as this broker knows it; -1 when unknown. When
   * the local source knows none but the active controller answered this
   * broker's heartbeat within the session, it is that one: a voter whose
   * Raft messages stop arriving while its own connections work (a one-way
   * cut) has lost its Raft leader, not the controller, and catches up on
   * the log itself (maybeCatchUp).
   */
  controllerId(): number {
    const id = this.opts.source.leaderId();
    if (id >= 0) return id;
    const hb = this.lastHeartbeatAnswer;
    return hb !== undefined && hb.controllerId >= 0 && Date.now() - hb.atMs < this.sessionTimeoutMs ? hb.controllerId : -1;
  }

  /**
   * After a heartbeat answer: when the image is not fed by its usual path
   * (observeCatchUp), fetches the missing committed entries from the
   * controller that answered, over this broker's own connection. One fetch
   * at a time, each bounded by a third of the session; a failed one is left
   * to the next answer.
   */
  private maybeCatchUp(): void {
    const hb = this.lastHeartbeatAnswer;
    if (hb === undefined || this.catchUpInFlight || this.closed || hb.controllerId < 0 || hb.controllerId === this.opts.nodeId) return;
    const now = performance.now();
    const { state, fetch, event } = observeCatchUp(
      this.catchUp,
      { nowMs: now, appliedOffset: this.opts.source.image.offset, reported: { offset: hb.controllerOffset, atMs: now - (Date.now() - hb.atMs) } },
      catchUpLagMs(this.sessionTimeoutMs),
    );
    this.catchUp = state;
    this.logCatchUp(event);
    if (fetch) this.fetchMissing(hb.controllerId, hb.controllerOffset);
  }

  /**
   * Fetches the committed entries past the image from `controller` over this
   * broker's own connection and applies them. One fetch at a time, each
   * bounded by a third of the session; a failed one is left to the next
   * heartbeat answer.
   */
  private fetchMissing(controller: number, reportedOffset: number): void {
    if (this.catchUpInFlight || this.closed || controller < 0 || controller === this.opts.nodeId) return;
    const from = this.opts.source.image.offset + 1;
    this.catchUpInFlight = true;
    this.opts.client
      .fetchMetadata(controller, from, CATCH_UP_MAX_BYTES, catchUpLagMs(this.sessionTimeoutMs))
      .then(
        async (fetched) => {
          if (this.closed) return;
          const applied = await this.opts.source.applyFetched(fetched);
          const after = afterCatchUpFetch(this.catchUp, applied, this.opts.source.image.offset);
          this.catchUp = after.state;
          this.logCatchUp(after.event, `fetched ${applied} entries from controller ${controller} past offset ${from - 1}; the controller was at ${reportedOffset}`);
        },
        // Unreachable or slow: the next answer tries again (the usual path may be back by then).
        (err: Error) => this.logger.debug(`metadata catch-up fetch from controller ${controller} failed: ${err.message}`),
      )
      .catch((err: Error) => this.logger.error(`could not apply the metadata fetched from controller ${controller}: ${err.message}`))
      .finally(() => {
        this.catchUpInFlight = false;
      });
  }

  private logCatchUp(event: CatchUpEvent | undefined, detail = ''): void {
    if (event === 'pulling') {
      this.logger.warn(`the metadata log is not reaching this node through the quorum (${detail}); fetching it from the active controller while that lasts`);
    } else if (event === 'fed-again') {
      this.logger.info(`the metadata log reaches this node through the quorum again (offset ${this.opts.source.image.offset})`);
    }
  }

  private endpointOf(b: BrokerRegistration): BrokerEndpoint | undefined {
    const name = this.opts.listenerName ?? 'CLIENT';
    const l = b.listeners.find((x) => x.name === name) ?? b.listeners[0];
    if (l === undefined) return undefined;
    return {
      nodeId: b.brokerId,
      host: l.host,
      port: l.port,
      listeners: b.listeners,
      brokerEpoch: BigInt(b.brokerEpoch),
      ...(b.rack !== null ? { rack: b.rack } : {}),
    };
  }

  /** Registered, unfenced brokers: the ones that may lead or join an ISR. */
  liveBrokers(): readonly BrokerEndpoint[] {
    const out: BrokerEndpoint[] = [];
    for (const b of this.opts.source.image.brokers()) {
      if (b.fenced) continue;
      const e = this.endpointOf(b);
      if (e !== undefined) out.push(e);
    }
    return out;
  }

  /** Every registered broker with its endpoint and fenced state, as the local image has them (by id). */
  registeredBrokers(): readonly (BrokerEndpoint & { fenced: boolean })[] {
    const out: (BrokerEndpoint & { fenced: boolean })[] = [];
    for (const b of this.opts.source.image.brokers()) {
      const e = this.endpointOf(b);
      if (e !== undefined) out.push({ ...e, fenced: b.fenced });
    }
    return out;
  }

  /** The metadata offset the local image reflects. */
  appliedOffset(): number {
    return this.opts.source.image.offset;
  }

  /** Broker `nodeId`'s registered endpoint, fenced or not. */
  brokerEndpoint(nodeId: number): BrokerEndpoint | undefined {
    const b = this.opts.source.image.broker(nodeId);
    return b === undefined ? undefined : this.endpointOf(b);
  }

  /** This broker's epoch; -1n before it has registered. */
  localBrokerEpoch(): bigint {
    return BigInt(this.brokerEpochValue);
  }

  topic(name: string): TopicMetadataView | undefined {
    if (this.viewCache.has(name)) return this.viewCache.get(name);
    const image = this.opts.source.image;
    const t = image.topicByName(name);
    const view = t === undefined ? undefined : topicView(image, t);
    // Unknown names are cached too (a client polling a missing topic), within a bound.
    if (view !== undefined || this.viewCache.size < 10_000) this.viewCache.set(name, view);
    return view;
  }

  topics(): readonly TopicMetadataView[] {
    this.allViews ??= this.opts.source.image.topics().map((t) => this.topic(t.name)!);
    return this.allViews;
  }

  subscribe(listener: (event: MetadataEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once the local image has applied `offset` (bounded). The
   * offset is committed (a controller said so), so an image still short of
   * it a heartbeat interval later is not being fed (normally it takes a few
   * ms): the broker then fetches it from the active controller itself
   * rather than waiting for the catch-up rule's lag — a leader waiting for
   * its own ISR shrink under a one-way cut holds acks=all writes meanwhile.
   */
  waitForOffset(offset: number, timeoutMs = this.opts.localApplyTimeoutMs ?? 10_000): Promise<void> {
    if (this.opts.source.image.offset >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const nudge = setTimeout(() => {
        if (this.opts.source.image.offset >= offset) return;
        const controller = this.lastHeartbeatAnswer?.controllerId ?? this.opts.client.activeControllerGuess ?? -1;
        this.fetchMissing(controller, offset);
      }, Math.min(this.heartbeatIntervalMs, timeoutMs));
      const timer = setTimeout(() => {
        clearTimeout(nudge);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new GregorError('REQUEST_TIMED_OUT', `the write is committed at offset ${offset} but this node has applied only ${this.opts.source.image.offset}`));
      }, timeoutMs);
      const waiter: Waiter = {
        offset,
        resolve: () => {
          clearTimeout(nudge);
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  // ---- broker lifecycle ------------------------------------------------------

  /**
   * Registers this broker (retrying through elections, and while an older
   * incarnation's session is still live after a fast restart), starts
   * heartbeats, and resolves once the controller has unfenced it.
   */
  async registerBroker(endpoint: BrokerEndpoint): Promise<void> {
    this.endpoint = endpoint;
    const deadline = Date.now() + (this.opts.registrationTimeoutMs ?? 60_000);
    await this.register(deadline);
    this.scheduleHeartbeat(0);
    if (!this.unfencedLocally()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new GregorError('REQUEST_TIMED_OUT', `broker ${this.opts.nodeId} registered but was not unfenced in time`)),
          Math.max(0, deadline - Date.now()),
        );
        this.fencedWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async register(deadline: number): Promise<void> {
    const endpoint = this.endpoint!;
    for (;;) {
      try {
        const { brokerEpoch } = await this.opts.client.registerBroker(
          {
            brokerId: this.opts.nodeId,
            incarnationId: this.incarnationId,
            listeners: endpoint.listeners ?? [{ name: this.opts.listenerName ?? 'CLIENT', host: endpoint.host, port: endpoint.port }],
            rack: endpoint.rack ?? null,
          },
          0,
          Math.max(1, deadline - Date.now()),
        );
        if (brokerEpoch !== this.brokerEpochValue) this.logger.info(`broker ${this.opts.nodeId} registered with broker epoch ${brokerEpoch}`);
        this.brokerEpochValue = brokerEpoch;
        this.fenced = true;
        this.lastHeartbeatAnswer = undefined;
        return;
      } catch (err) {
        const e = err as GregorError;
        // The previous incarnation's session has not expired yet (fast restart): wait it out.
        if (e.errorName !== 'DUPLICATE_BROKER_REGISTRATION' || Date.now() >= deadline || this.closed) throw err;
        await new Promise((r) => setTimeout(r, Math.min(250, this.heartbeatIntervalMs)));
      }
    }
  }

  private scheduleHeartbeat(delayMs: number): void {
    if (this.closed) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), delayMs);
  }

  /**
   * The metadata log names a new active controller: heartbeat it now, not at
   * the next tick. Its takeover grace is running, and when this broker is
   * the old controller's (alive after all: it stalled or handed over), the
   * new controller fences it unless it heartbeats within about one interval
   * (takeoverSessions). A heartbeat already in flight re-picks its target on
   * its next attempt.
   */
  private maybeHeartbeatNewController(): void {
    const named = this.opts.source.image.lastLeaderChange?.leaderId ?? -1;
    if (named === this.namedController) return;
    this.namedController = named;
    if (named < 0 || this.closed || this.heartbeatInFlight || this.heartbeatTimer === undefined) return;
    clearTimeout(this.heartbeatTimer);
    this.scheduleHeartbeat(0);
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.heartbeatInFlight) return;
    this.heartbeatInFlight = true;
    const interval = this.heartbeatIntervalMs;
    try {
      const out = await this.opts.client.heartbeat(
        {
          brokerId: this.opts.nodeId,
          brokerEpoch: this.brokerEpochValue,
          metadataOffset: this.opts.source.image.offset,
          wantFence: false,
          wantShutdown: false,
        },
        heartbeatTiming(interval, this.sessionTimeoutMs),
      );
      // Debug: the active controller logs the one line per fencing and unfencing.
      if (out.isFenced !== this.fenced) this.logger.debug(`broker ${this.opts.nodeId} is now ${out.isFenced ? 'fenced' : 'unfenced'}`);
      this.fenced = out.isFenced;
      this.lastHeartbeatAnswer = { atMs: Date.now(), isFenced: out.isFenced, isCaughtUp: out.isCaughtUp, controllerOffset: out.metadataOffset, controllerId: out.controllerId };
      this.maybeCatchUp();
    } catch (err) {
      const e = err as GregorError;
      if (e.errorName === 'STALE_BROKER_EPOCH' || e.errorName === 'BROKER_ID_NOT_REGISTERED') {
        this.logger.warn(`broker ${this.opts.nodeId} must register again: ${e.message}`);
        try {
          await this.register(Date.now() + 10_000);
        } catch (regErr) {
          this.logger.warn(`re-registration failed: ${(regErr as Error).message}`);
        }
      } else {
        this.logger.debug(`heartbeat failed: ${e.message}`);
      }
    } finally {
      this.heartbeatInFlight = false;
      this.scheduleHeartbeat(interval);
    }
  }

  /**
   * Stops heartbeats. With `controlledShutdown` the controller first moves
   * this broker's leaderships away (KRaft's controlled shutdown), so clients
   * fail over at once instead of after the session timeout.
   */
  async close(opts: { controlledShutdown?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer !== undefined) clearTimeout(this.heartbeatTimer);
    this.unsubscribe();
    if ((opts.controlledShutdown ?? true) && this.brokerEpochValue >= 0) {
      await this.opts.client
        .heartbeat(
          { brokerId: this.opts.nodeId, brokerEpoch: this.brokerEpochValue, metadataOffset: this.opts.source.image.offset, wantFence: true, wantShutdown: true },
          { deadlineMs: opts.timeoutMs ?? 2000 },
        )
        .catch((err: Error) => this.logger.warn(`controlled shutdown was not confirmed: ${err.message}`));
    }
  }

  // ---- admin writes ----------------------------------------------------------

  /** Throws GregorError TOPIC_ALREADY_EXISTS / INVALID_REPLICATION_FACTOR / … */
  async createTopic(spec: NewTopicSpec): Promise<TopicMetadataView> {
    const out = await this.opts.client.createTopics([spec]);
    const r = out.results[0];
    if (r?.error !== undefined) throw r.error;
    await this.waitForOffset(out.metadataOffset);
    const view = this.topic(spec.name);
    if (view === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${spec.name}" was deleted right after it was created`, { topic: spec.name });
    return view;
  }

  async deleteTopic(name: string): Promise<void> {
    const out = await this.opts.client.deleteTopics([name]);
    const r = out.results[0];
    if (r?.error !== undefined) throw r.error;
    await this.waitForOffset(out.metadataOffset);
  }

  /** Replaces the topic's overrides (already validated by the broker). */
  async setTopicConfigs(name: string, configs: Readonly<Record<string, string>>): Promise<void> {
    const out = await this.opts.client.alterConfigs([{ name, set: configs, remove: [], replace: true }]);
    const r = out.results[0];
    if (r?.error !== undefined) throw r.error;
    await this.waitForOffset(out.metadataOffset);
  }

  /**
   * Grows a topic to `totalCount` partitions (Kafka's CreatePartitions; the
   * active controller places them and decides). Resolves once the local
   * image shows them; with `validateOnly` nothing is written.
   */
  async createPartitions(name: string, totalCount: number, opts: { validateOnly?: boolean } = {}): Promise<void> {
    const out = await this.opts.client.createPartitions([{ name, count: totalCount }], { validateOnly: opts.validateOnly ?? false });
    const r = out.results[0];
    if (r?.error !== undefined) throw r.error;
    await this.waitForOffset(out.metadataOffset);
  }

  /**
   * AlterPartition for a partition this broker leads. Calls made in the same
   * turn of the event loop travel in one RPC. Resolves with the assignment
   * as committed, once the local image shows it; rejects with the
   * controller's GregorError for this partition (FENCED_LEADER_EPOCH,
   * NOT_LEADER_OR_FOLLOWER, INVALID_REQUEST, …) or a retriable one.
   */
  alterPartition(topic: string, partition: number, request: AlterIsrRequest): Promise<PartitionAssignment> {
    if (this.pendingAlters.length >= MAX_PENDING_ALTERS) {
      return Promise.reject(new GregorError('THROTTLING_QUOTA_EXCEEDED', `${MAX_PENDING_ALTERS} AlterPartition calls are waiting`, { topic, partition }));
    }
    return new Promise((resolve, reject) => {
      this.pendingAlters.push({
        item: { topic, partition, leaderEpoch: request.leaderEpoch, partitionEpoch: request.partitionEpoch, newIsr: request.isr },
        resolve,
        reject,
      });
      if (!this.alterFlushScheduled) {
        this.alterFlushScheduled = true;
        setImmediate(() => void this.flushAlters());
      }
    });
  }

  private async flushAlters(): Promise<void> {
    this.alterFlushScheduled = false;
    const batch = this.pendingAlters.splice(0);
    if (batch.length === 0) return;
    let results: AlterPartitionItemResult[];
    let metadataOffset: number;
    try {
      ({ results, metadataOffset } = await this.opts.client.alterPartition(
        this.opts.nodeId,
        this.brokerEpochValue,
        batch.map((p) => p.item),
        0,
        alterPartitionTiming(this.sessionTimeoutMs),
      ));
      if (metadataOffset > 0) await this.waitForOffset(metadataOffset);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (r?.error !== undefined) return p.reject(r.error);
      const a = this.topic(p.item.topic)?.partitions[p.item.partition];
      if (a === undefined) return p.reject(new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `${p.item.topic}-${p.item.partition} is gone`, { topic: p.item.topic, partition: p.item.partition }));
      p.resolve(a);
    });
  }

  allocateProducerIds(): Promise<{ firstProducerId: bigint; size: number }> {
    return this.opts.client.allocateProducerIds(this.opts.nodeId, this.brokerEpochValue);
  }
}
