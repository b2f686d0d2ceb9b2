import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '@gregor/common';
import { GregorError, toGregorError } from '@gregor/common';
import type { ControllerError, GregorControllerHandlers, MetadataEntry, QuorumBroker, QuorumVoter } from '@gregor/proto';
import type { LogIndex } from '@gregor/raft';
import type { ControllerOperations, TopicsOutcome } from './controller-operations';
import type { QuorumController } from './quorum-controller';
import { messageFromWire } from './raft-codec';
import type { RaftDriver } from './raft-driver';

/**
 * gRPC handlers for gregor.v1.GregorController. Wire types end here: each
 * handler converts the request to domain terms, calls ControllerOperations,
 * and converts the outcome (or a GregorError) back. Handlers never throw:
 * errors travel in the response's `error`, with the active controller's id
 * and address when this node is not it.
 */

export function wireError(err: GregorError): ControllerError {
  const hint = err.context.leaderHint;
  return { code: err.code, name: err.errorName, message: err.message, retriable: err.retriable, leaderHint: typeof hint === 'number' ? hint : -1 };
}

const NO_ERROR: ControllerError = { code: 0, name: 'NONE', message: '', retriable: false, leaderHint: -1 };

/**
 * Told about every controller RPC this node answered, so that the node can
 * keep request metrics without this package depending on a metrics library.
 * Must be cheap and must not throw.
 */
export interface ControllerRequestObserver {
  /** `errorName`: the response's error, else the first per-item error, else NONE. */
  requestCompleted(api: string, errorName: string, durationMs: number): void;
}

type ErrorCarrier = { error?: { name?: string } | null; topics?: readonly ErrorCarrier[]; partitions?: readonly ErrorCarrier[] };

/** The first error a response reports: its own, else the first per-topic or per-partition one. */
export function firstResponseError(res: unknown): string {
  const r = res as ErrorCarrier | null | undefined;
  const own = r?.error?.name;
  if (own !== undefined && own !== '' && own !== 'NONE') return own;
  for (const item of [...(r?.topics ?? []), ...(r?.partitions ?? [])]) {
    const name = item.error?.name;
    if (name !== undefined && name !== '' && name !== 'NONE') return name;
  }
  return 'NONE';
}

export interface ServiceDeps {
  qc: QuorumController;
  ops: ControllerOperations;
  driver: RaftDriver;
  clusterId: string;
  logger: Logger;
  /** Largest FetchMetadata answer. */
  fetchMaxBytes: number;
  observer?: ControllerRequestObserver;
}

export function createControllerHandlers(d: ServiceDeps): GregorControllerHandlers {
  const { qc, ops } = d;
  const hint = () => {
    const leader = qc.leaderId();
    return { controllerId: leader, controllerAddress: leader === -1 ? '' : qc.voterAddress(leader) };
  };
  const failure = (err: unknown, what: string) => {
    const e = toGregorError(err);
    if (e.errorName === 'UNKNOWN_SERVER_ERROR') d.logger.error(`${what} failed: ${e.message}`);
    return { error: wireError(e), ...hint() };
  };
  const clock = qc.opts.clock;
  const observed = <Req, Res>(what: string, handler: grpc.handleUnaryCall<Req, Res>): grpc.handleUnaryCall<Req, Res> => {
    const observer = d.observer;
    if (observer === undefined) return handler;
    return (call, callback) => {
      const started = clock.monotonicMs();
      handler(call, (err, res, ...rest) => {
        observer.requestCompleted(what, err !== null ? 'UNKNOWN_SERVER_ERROR' : firstResponseError(res), clock.monotonicMs() - started);
        callback(err, res, ...rest);
      });
    };
  };
  // One shape for every unary call: run, answer, or answer with the error.
  function unary<Req, Res>(what: string, fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return observed(what, (call, callback) => {
      fn(call.request).then(
        (res) => callback(null, res),
        (err: unknown) => callback(null, failure(err, what) as Res),
      );
    });
  }
  const topicsResponse = (o: TopicsOutcome) => ({
    error: NO_ERROR,
    ...hint(),
    metadataOffset: o.metadataOffset,
    topics: o.results.map((r) => ({ name: r.name, topicId: r.topicId ?? '', error: r.error === undefined ? NO_ERROR : wireError(r.error) })),
  });

  return {
    Raft: observed('Raft', (call, callback) => {
      const batch = call.request;
      if (batch.clusterId !== d.clusterId) {
        callback(null, { error: wireError(new GregorError('INCONSISTENT_CLUSTER_ID', `cluster id "${batch.clusterId}" is not "${d.clusterId}"`)) });
        return;
      }
      try {
        const messages = batch.messages.map(messageFromWire);
        for (const m of messages) {
          if (m.to !== qc.nodeId) throw new GregorError('INVALID_REQUEST', `raft message for node ${m.to} sent to node ${qc.nodeId}`);
        }
        qc.heardFrom(batch.from);
        for (const m of messages) d.driver.step(m);
        callback(null, { error: NO_ERROR });
      } catch (err) {
        callback(null, { error: wireError(toGregorError(err)) });
      }
    }),

    BrokerRegistration: unary('BrokerRegistration', async (req) => {
      if (req.clusterId !== '' && req.clusterId !== d.clusterId) {
        throw new GregorError('INCONSISTENT_CLUSTER_ID', `broker ${req.brokerId} belongs to cluster "${req.clusterId}", not "${d.clusterId}"`);
      }
      const { brokerEpoch } = await ops.registerBroker(
        {
          brokerId: req.brokerId,
          incarnationId: req.incarnationId,
          listeners: req.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })),
          rack: req.rack === '' ? null : req.rack,
        },
        req.timeoutMs,
      );
      return { error: NO_ERROR, ...hint(), brokerEpoch };
    }),

    BrokerHeartbeat: unary('BrokerHeartbeat', async (req) => {
      const out = await ops.heartbeat({
        brokerId: req.brokerId,
        brokerEpoch: Number(req.brokerEpoch),
        metadataOffset: Number(req.currentMetadataOffset),
        wantFence: req.wantFence,
        wantShutdown: req.wantShutdown,
      });
      return { error: NO_ERROR, ...hint(), ...out };
    }),

    CreateTopics: unary('CreateTopics', async (req) =>
      topicsResponse(
        await ops.createTopics(
          req.topics.map((t) => ({ name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, configs: t.configs })),
          { validateOnly: req.validateOnly, timeoutMs: req.timeoutMs },
        ),
      ),
    ),

    DeleteTopics: unary('DeleteTopics', async (req) => topicsResponse(await ops.deleteTopics(req.names, { timeoutMs: req.timeoutMs }))),

    CreatePartitions: unary('CreatePartitions', async (req) =>
      topicsResponse(await ops.createPartitions(req.topics, { validateOnly: req.validateOnly, timeoutMs: req.timeoutMs })),
    ),

    AlterConfigs: unary('AlterConfigs', async (req) =>
      topicsResponse(
        await ops.alterConfigs(
          req.topics.map((t) => ({ name: t.name, set: t.set, remove: t.remove, replace: t.replace })),
          { validateOnly: req.validateOnly, timeoutMs: req.timeoutMs },
        ),
      ),
    ),

    AlterPartition: unary('AlterPartition', async (req) => {
      const out = await ops.alterPartition(
        req.brokerId,
        Number(req.brokerEpoch),
        req.partitions.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          newIsr: p.newIsr,
        })),
        req.timeoutMs,
      );
      return {
        error: NO_ERROR,
        ...hint(),
        metadataOffset: out.metadataOffset,
        partitions: out.results.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          error: r.error === undefined ? NO_ERROR : wireError(r.error),
          leader: r.state?.leader ?? -1,
          leaderEpoch: r.state?.leaderEpoch ?? -1,
          partitionEpoch: r.state?.partitionEpoch ?? -1,
          isr: r.state?.isr ? [...r.state.isr] : [],
        })),
      };
    }),

    AllocateProducerIds: unary('AllocateProducerIds', async (req) => {
      const out = await ops.allocateProducerIds(req.brokerId, Number(req.brokerEpoch));
      return { error: NO_ERROR, ...hint(), firstProducerId: out.firstProducerId.toString(), size: Number(out.size) };
    }),

    DescribeQuorum: unary('DescribeQuorum', async (req) => {
      // Voter positions and last contact are only known to the leader.
      if (req.activeOnly) qc.requireActive();
      return { ...describeQuorum(d), ...hint() };
    }),

    FetchMetadata: unary('FetchMetadata', async (req) => fetchMetadata(d, Number(req.fromOffset), req.maxBytes)),
  };
}

function describeQuorum(d: ServiceDeps) {
  const { qc } = d;
  const status = qc.raftStatus();
  const now = qc.opts.clock.monotonicMs();
  const progress = new Map((status?.progress ?? []).map((p) => [p.id as number, p]));
  const voters: QuorumVoter[] = qc.voters().map((v) => {
    const self = v.id === qc.nodeId;
    const heard = qc.lastHeardFromMs(v.id);
    const match = progress.get(v.id)?.match;
    return {
      nodeId: v.id,
      address: `${v.host}:${v.port}`,
      // A leader starts each follower at match 0 and learns its real position
      // from the follower's first answer in its term: until then (forever,
      // for a dead voter) the log end is unknown, not 0.
      logEndOffset: self ? (status?.lastIndex ?? -1) : match === undefined || match === 0 ? -1 : match,
      lastContactMsAgo: self ? 0 : heard === undefined ? -1 : Math.round(now - heard),
    };
  });
  const ledBy = new Map<number, number>();
  for (const t of qc.image.topics()) for (const p of t.partitions) ledBy.set(p.leader, (ledBy.get(p.leader) ?? 0) + 1);
  const brokers: QuorumBroker[] = qc.image.brokers().map((b) => {
    const session = qc.isActive() ? qc.sessions.get(b.brokerId) : undefined;
    return {
      brokerId: b.brokerId,
      brokerEpoch: b.brokerEpoch,
      fenced: b.fenced,
      listeners: b.listeners.map((l) => ({ ...l })),
      metadataOffset: session?.metadataOffset ?? -1,
      lastHeartbeatMsAgo: session === undefined ? -1 : Math.round(now - session.lastContactMs),
      partitionsLed: ledBy.get(b.brokerId) ?? 0,
    };
  });
  return {
    error: NO_ERROR,
    nodeId: qc.nodeId,
    leaderId: qc.leaderId(),
    term: status?.term ?? 0,
    commitIndex: status?.commit ?? 0,
    appliedOffset: qc.image.offset,
    role: qc.isActive() ? 'active-controller' : (status?.role ?? 'unknown'),
    voters,
    brokers,
  };
}

/**
 * Committed entries from `from` on, read from this node's log (committed
 * entries never change, so any voter can answer); a snapshot first when the
 * log there has been compacted away.
 */
function fetchMetadata(d: ServiceDeps, from: number, maxBytes: number) {
  const storage = d.qc.storageView();
  const commit = Math.min(d.qc.raftStatus()?.commit ?? 0, storage.lastIndex());
  const limit = maxBytes > 0 ? Math.min(maxBytes, d.fetchMaxBytes) : d.fetchMaxBytes;
  let start = Math.max(1, from);
  let snapshot: Buffer = Buffer.alloc(0);
  let snapshotOffset = 0;
  if (start < storage.firstIndex()) {
    const snap = storage.snapshot();
    snapshot = Buffer.from(snap.data);
    snapshotOffset = snap.metadata.index;
    start = snap.metadata.index + 1;
  }
  const entries: MetadataEntry[] = [];
  if (start <= commit) {
    for (const e of storage.entries(start as LogIndex, (commit + 1) as LogIndex, limit)) {
      entries.push({ offset: e.index, data: e.type === 'noop' ? Buffer.alloc(0) : Buffer.from(e.data) });
    }
  }
  return { error: NO_ERROR, snapshot, snapshotOffset, entries, commitIndex: commit };
}
