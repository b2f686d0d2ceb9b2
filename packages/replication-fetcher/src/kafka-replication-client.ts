import { debugTimeline, errorNameForCode, GregorError, type Logger } from '@gregor/common';
import { FETCH_API, KafkaWireClient, type FetchRequestFetchPartition, type FetchResponse } from '@gregor/kafka-protocol';
import { grpcReplicationClient, type ReplicaFetchPartitionResponse, type ReplicaFetchRequest, type ReplicationClient, type ReplicationClientFactory } from './replication-client';

/**
 * Fetch v12: the last version that names topics (v13+ need topic ids) and
 * the first with last_fetched_epoch and the diverging epoch (KIP-320).
 * replica_id is a plain field up to v14; the broker epoch (KIP-903's
 * replica_state) only comes with v15, so the leader sees -1 (unknown).
 */
export const REPLICA_FETCH_VERSION = 12;
const NO_SESSION = { sessionId: 0, sessionEpoch: -1 } as const;
const UNKNOWN_LEADER = -1;

/** Opens the connection to the leader's KAFKA listener; tests pass their own. */
export type KafkaConnector = (address: string) => Promise<KafkaWireClient>;

export interface KafkaReplicationClientOptions {
  /** Default KafkaWireClient.connect with no request timeout of its own (each fetch carries its deadline). */
  connect?: KafkaConnector;
  /** Requests one connection holds unanswered; one more is refused (the fetcher loop sends one at a time). Default 8. */
  maxInFlight?: number;
}

/** Kafka's FetchResponse in the fetcher's domain types; OFFSET_OUT_OF_RANGE is left to the caller (no log end offset here). */
export function decodeKafkaFetchResponse(res: FetchResponse): ReplicaFetchPartitionResponse[] {
  if (res.errorCode !== 0) throw GregorError.fromCode(res.errorCode, 'the leader refused the fetch');
  const out: ReplicaFetchPartitionResponse[] = [];
  for (const t of res.responses) {
    for (const p of t.partitions) {
      const where = { topic: t.topic, partition: p.partitionIndex };
      const hint = p.currentLeader.leaderId !== UNKNOWN_LEADER ? { leaderHint: p.currentLeader.leaderId } : {};
      const d = p.divergingEpoch;
      out.push({
        topic: t.topic,
        partition: p.partitionIndex,
        error: p.errorCode === 0 ? undefined : GregorError.withoutStack(errorNameForCode(p.errorCode), 'from the leader', { ...where, ...hint }),
        highWatermark: p.highWatermark,
        logStartOffset: p.logStartOffset,
        // Not in Kafka's answer; only OFFSET_OUT_OF_RANGE needs it (see kafkaReplicationClient).
        logEndOffset: -1n,
        divergingEpoch: d.epoch >= 0 ? { epoch: d.epoch, endOffset: d.endOffset } : undefined,
        records: p.records ?? Buffer.alloc(0),
      });
    }
  }
  return out;
}

/** The request as Fetch v12 carries it: one full, sessionless fetch, topics in first-seen order. */
export function encodeKafkaFetchRequest(request: ReplicaFetchRequest): Parameters<KafkaWireClient['send']>[2] {
  const topics = new Map<string, Partial<FetchRequestFetchPartition>[]>();
  for (const p of request.partitions) {
    let list = topics.get(p.topic);
    if (list === undefined) topics.set(p.topic, (list = []));
    list.push({
      partition: p.partition,
      currentLeaderEpoch: p.currentLeaderEpoch,
      fetchOffset: p.fetchOffset,
      lastFetchedEpoch: p.lastFetchedEpoch,
      logStartOffset: p.logStartOffset,
      partitionMaxBytes: p.partitionMaxBytes,
    });
  }
  return {
    replicaId: request.replicaId,
    maxWaitMs: request.maxWaitMs,
    minBytes: request.minBytes,
    maxBytes: request.maxBytes,
    isolationLevel: 0,
    ...NO_SESSION,
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    forgottenTopicsData: [],
  };
}

/**
 * The follower's fetches over Kafka's own protocol on raw TCP, as Kafka's
 * replica fetcher sends them: Fetch with replica_id to the leader's KAFKA
 * listener (replica.fetch.transport=kafka). It exists for latency: an
 * acks=all produce waits for two follower round trips, and a message on a
 * bare TCP socket costs about half of one over grpc-js/HTTP/2 (issue #13).
 *
 * One connection per leader, opened with the first fetch and again after
 * any failure (the fetcher loop's backoff paces the reconnects). Requests
 * are pipelined by correlation id (KafkaWireClient; answers come in request
 * order, at most `maxInFlight` outstanding). A fetch past its deadline or
 * cut short by its signal closes the connection: the leader may still be
 * holding it in its long poll, and its answer would arrive ahead of the
 * next one's. Everything the hot path does not need goes to `fallback`
 * (the gRPC client): OffsetsForLeaderEpoch (the truncating phase), and a
 * fetch any of whose partitions is OFFSET_OUT_OF_RANGE, asked again there
 * because only the gRPC answer carries the leader's log end offset.
 */
export function kafkaReplicationClient(kafkaAddress: string | (() => string | undefined), fallback: ReplicationClient, opts: KafkaReplicationClientOptions = {}): ReplicationClient {
  const resolve = typeof kafkaAddress === 'string' ? () => kafkaAddress : kafkaAddress;
  const maxInFlight = opts.maxInFlight ?? 8;
  const connect = opts.connect ?? ((a: string) => KafkaWireClient.connect(a, { clientId: 'gregor-replica-fetcher', requestTimeoutMs: 0, maxInFlight }));
  /** The connection being opened or open; `live` once it is open (fetches then go out in the caller's turn). */
  let conn: Promise<KafkaWireClient> | undefined;
  let live: KafkaWireClient | undefined;
  /** The leader's KAFKA address the current (or last) connection went to; messages name it. */
  let address = '';
  let closed = false;

  const connection = (): Promise<KafkaWireClient> => {
    if (conn === undefined) {
      const opening = connect(address);
      conn = opening;
      opening.then(
        (c) => {
          if (conn === opening) live = c;
          else c.close(); // given up on meanwhile (forgetConnect, close)
        },
        // A failed connect is forgotten at once: the next fetch (after the loop's backoff) tries again.
        () => {
          if (conn === opening) conn = undefined;
        },
      );
    }
    return conn;
  };
  /** Drops the connection; its outstanding fetches fail with NETWORK_EXCEPTION, and the next fetch opens a new one. */
  const drop = (c: KafkaWireClient): void => {
    c.close();
    if (live === c) {
      live = undefined;
      conn = undefined;
    }
  };
  /** A connect that outlived a fetch's deadline (a leader host that drops packets): the next fetch starts a new one. */
  const forgetConnect = (): void => {
    if (live === undefined) conn = undefined;
  };

  const fetchOnce = (request: ReplicaFetchRequest, timeoutMs: number, signal: AbortSignal | undefined): Promise<FetchResponse> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new GregorError('NETWORK_EXCEPTION', `replication client for ${address} is closed`, { cancelled: true }));
      if (signal?.aborted === true) return reject(new GregorError('NETWORK_EXCEPTION', `fetch from ${address} was cancelled`, { cancelled: true }));
      let current: KafkaWireClient | undefined;
      let done = false;
      const finish = (err: unknown, res?: FetchResponse): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err !== undefined) reject(err);
        else resolve(res!);
      };
      const abandon = (err: GregorError): void => {
        if (current !== undefined) drop(current);
        else forgetConnect();
        finish(err);
      };
      const sendOn = (c: KafkaWireClient): void => {
        if (done) return;
        current = c;
        if (c.closed) {
          drop(c);
          return finish(new GregorError('NETWORK_EXCEPTION', `connection to leader ${address} closed`));
        }
        c.send(FETCH_API, REPLICA_FETCH_VERSION, encodeKafkaFetchRequest(request)).then(
          (res) => {
            if (debugTimeline.on) debugTimeline.event('follower.answer.received', { address });
            finish(undefined, res);
          },
          (err) => {
            drop(c);
            finish(err);
          },
        );
        if (debugTimeline.on) {
          // net.Socket.write hands the bytes to the kernel at once when the socket is writable.
          debugTimeline.event('follower.request.written', { address });
          debugTimeline.event('follower.request.flushed', { address });
        }
      };
      const onAbort = (): void => abandon(new GregorError('NETWORK_EXCEPTION', `fetch from ${address} was cancelled`, { cancelled: true }));
      const timer = setTimeout(() => abandon(new GregorError('REQUEST_TIMED_OUT', `no answer from leader ${address} in time`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (live !== undefined) sendOn(live);
      else connection().then(sendOn, (err) => finish(err));
    });

  return {
    async fetch(request, timeoutMs, signal) {
      if (conn === undefined) {
        // Looked up again for each new connection: a leader restarted as an older version (or without its
        // KAFKA listener) no longer registers it, and one upgraded starts to.
        const current = resolve();
        if (current === undefined) return fallback.fetch(request, timeoutMs, signal);
        address = current;
      }
      const answers = decodeKafkaFetchResponse(await fetchOnce(request, timeoutMs, signal));
      if (answers.some((a) => a.error?.errorName === 'OFFSET_OUT_OF_RANGE')) return fallback.fetch(request, timeoutMs, signal);
      return answers;
    },
    offsetsForLeaderEpoch(replicaId, queries, timeoutMs, signal) {
      return fallback.offsetsForLeaderEpoch(replicaId, queries, timeoutMs, signal);
    },
    close() {
      closed = true;
      live?.close();
      live = undefined;
      conn = undefined; // a connect still under way closes its connection when it completes
      fallback.close();
    },
  };
}

/**
 * replica.fetch.transport=kafka: each leader is fetched from over the KAFKA
 * address it registered for replication, with gRPC for what that client
 * leaves to it and whenever the leader has registered none (looked up at
 * each new connection).
 */
export function kafkaFirstClientFactory(kafkaAddress: (leaderId: number) => string | undefined, logger: Logger, opts: KafkaReplicationClientOptions = {}): ReplicationClientFactory {
  return (grpcAddress, leaderId) => {
    const kafka = kafkaAddress(leaderId);
    if (kafka === undefined) logger.info('leader registered no KAFKA_REPLICATION listener: fetching from it over gRPC', { leader: leaderId, address: grpcAddress });
    else logger.debug('fetching from leader over its KAFKA listener', { leader: leaderId, address: kafka });
    return kafkaReplicationClient(() => kafkaAddress(leaderId), grpcReplicationClient(grpcAddress), opts);
  };
}
