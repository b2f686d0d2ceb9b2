/**
 * An in-test Gregor cluster: real grpc.Servers on 127.0.0.1:0 implementing
 * gregor.v1.Gregor from loadClientProto(), sharing one in-memory state.
 * Logs hold real RecordBatch v2 bytes; offsets are assigned by rewriting
 * baseOffset, as a leader does. Tests move leaders, stop brokers and
 * intercept calls to inject errors.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { errorCode, type ErrorName } from '@gregor/common';
import { loadClientProto, type GregorHandlers } from '@gregor/proto';

/** Group RPCs are served by real brokers in group-consumer.test.ts, not by this fake. */
type GroupRpc = 'FindCoordinator' | 'JoinGroup' | 'SyncGroup' | 'Heartbeat' | 'LeaveGroup' | 'OffsetCommit' | 'OffsetFetch' | 'DescribeGroups' | 'ListGroups' | 'DeleteGroups';
import { batchSizeAt, decodeRecordBatches, lastOffsetOf, readBatchHeader, setBaseOffset } from '@gregor/record-batch';
import { applyProducerBatch, checkProducerBatch, type ProducerEntry } from '@gregor/storage';

export interface FakePartition {
  leader: number;
  leaderEpoch: number;
  batches: Buffer[];
  logStartOffset: bigint;
  nextOffset: bigint;
  /** Idempotent producers' state, with the broker's own rules (@gregor/storage). */
  producers: Map<bigint, ProducerEntry>;
}

export interface FakeTopic {
  partitions: FakePartition[];
  configs: Record<string, string>;
}

export interface CallRecord {
  nodeId: number;
  method: string;
  request: any;
}

/**
 * Return a response to answer instead of the fake, a grpc status to fail the
 * call, a promise to hold the call until it resolves (then answer normally),
 * `loseResponse` to let the fake do the work and then fail the call (the
 * answer lost on the way back), or undefined to pass.
 */
export type Interceptor = (
  call: CallRecord,
) => { response: unknown } | { status: grpc.status; details?: string } | { waitFor: Promise<void> } | { loseResponse: true } | undefined;

export function wireError(name: ErrorName, message = ''): { code: number; name: string; message: string; retriable: boolean } {
  return { code: errorCode(name), name, message, retriable: false };
}

export class FakeBroker {
  constructor(
    readonly nodeId: number,
    readonly port: number,
    readonly server: grpc.Server,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }
}

export class FakeCluster {
  readonly topics = new Map<string, FakeTopic>();
  readonly brokers = new Map<number, FakeBroker>();
  readonly calls: CallRecord[] = [];
  interceptor: Interceptor | undefined;
  /** Next id InitProducerId hands out. */
  nextProducerId = 100n;
  private readonly appended = new EventEmitter();
  /** Leaders (and epochs) per topic that a broker cut off from the cluster still believes in. */
  private readonly frozenLeaders = new Map<number, Map<string, { leader: number; leaderEpoch: number }[]>>();

  /**
   * Holds every Produce call `which` accepts (default: all) until
   * `release()`; `held()` counts the calls held so far. Replaces the
   * interceptor.
   */
  holdProduces(which: (call: CallRecord) => boolean = () => true): { release: () => void; held: () => number } {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    this.interceptor = (call) => {
      if (call.method !== 'Produce' || !which(call)) return undefined;
      held++;
      return { waitFor: gate };
    };
    return { release, held: () => held };
  }

  constructor() {
    this.appended.setMaxListeners(1000);
  }

  async startBroker(nodeId: number, port = 0): Promise<FakeBroker> {
    const server = new grpc.Server();
    server.addService(loadClientProto().gregor.v1.Gregor.service, this.handlers(nodeId));
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const broker = new FakeBroker(nodeId, bound, server);
    this.brokers.set(nodeId, broker);
    return broker;
  }

  /** Kills a broker: connections drop, the port refuses. */
  stopBroker(nodeId: number): void {
    this.brokers.get(nodeId)?.server.forceShutdown();
    this.brokers.delete(nodeId);
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.brokers.keys()]) this.stopBroker(id);
  }

  createTopic(name: string, partitions: number, leaders: number[] = [1], configs: Record<string, string> = {}): void {
    this.topics.set(name, {
      configs,
      partitions: Array.from({ length: partitions }, (_, i) => ({
        leader: leaders[i % leaders.length]!,
        leaderEpoch: 0,
        batches: [],
        logStartOffset: 0n,
        nextOffset: 0n,
        producers: new Map(),
      })),
    });
  }

  /**
   * Broker `nodeId` keeps answering Metadata with the leaders of now, as a
   * broker cut off from the cluster does, whatever setLeader does later.
   */
  freezeMetadata(nodeId: number): void {
    this.frozenLeaders.set(
      nodeId,
      new Map([...this.topics].map(([name, t]) => [name, t.partitions.map((p) => ({ leader: p.leader, leaderEpoch: p.leaderEpoch }))])),
    );
  }

  setLeader(topic: string, partition: number, leader: number): void {
    const p = this.topics.get(topic)!.partitions[partition]!;
    p.leader = leader;
    p.leaderEpoch++;
  }

  /**
   * Appends batch bytes as a leader would; returns the base offset. An
   * idempotent batch (one per request, as the client sends them) is checked
   * like the real leader does: a duplicate returns the original offset
   * without appending, a gap or stale epoch returns the error name.
   */
  append(topic: string, partition: number, records: Buffer): bigint | ErrorName {
    const p = this.topics.get(topic)!.partitions[partition]!;
    const first = readBatchHeader(records);
    if (first.producerId >= 0n) {
      const verdict = checkProducerBatch(p.producers.get(first.producerId), first);
      if (verdict.kind === 'duplicate') return verdict.original.firstOffset;
      if (verdict.kind === 'reject') return verdict.error;
    }
    const base = p.nextOffset;
    for (let pos = 0; pos < records.length; ) {
      const size = batchSizeAt(records, pos);
      const batch = Buffer.from(records.subarray(pos, pos + size));
      setBaseOffset(batch, p.nextOffset);
      const header = readBatchHeader(batch);
      if (header.producerId >= 0n) p.producers.set(header.producerId, applyProducerBatch(p.producers.get(header.producerId), header, p.nextOffset));
      p.nextOffset += BigInt(header.lastOffsetDelta) + 1n;
      p.batches.push(batch);
      pos += size;
    }
    this.appended.emit('append');
    return base;
  }

  /** Values of every record in a partition, in offset order. */
  values(topic: string, partition: number): string[] {
    const p = this.topics.get(topic)!.partitions[partition]!;
    return decodeRecordBatches(Buffer.concat(p.batches)).flatMap((b) => b.records.map((r) => r.value?.toString() ?? '<null>'));
  }

  callsOf(method: string): CallRecord[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The RPCs the SDK's producer/consumer/admin tests use; the rest (group RPCs) answer UNIMPLEMENTED. */
  private handlers(nodeId: number): Omit<GregorHandlers, GroupRpc> {
    const unary =
      (method: string, fn: (req: any) => unknown | Promise<unknown>): grpc.handleUnaryCall<any, any> =>
      (call, callback) => {
        const record = { nodeId, method, request: call.request };
        this.calls.push(record);
        const intercepted = this.interceptor?.(record);
        const run = async (): Promise<void> => {
          if (intercepted !== undefined && 'waitFor' in intercepted) await intercepted.waitFor;
          if (intercepted !== undefined && 'status' in intercepted) {
            callback({ code: intercepted.status, details: intercepted.details ?? 'injected' });
            return;
          }
          if (intercepted !== undefined && 'response' in intercepted) {
            callback(null, intercepted.response);
            return;
          }
          const response = await fn(call.request);
          if (intercepted !== undefined && 'loseResponse' in intercepted) {
            callback({ code: grpc.status.UNAVAILABLE, details: 'injected: response lost' });
            return;
          }
          callback(null, response);
        };
        run().catch((err: unknown) => callback({ code: grpc.status.INTERNAL, details: String(err) }));
      };
    return {
      Metadata: unary('Metadata', (req) => this.metadata(req.topics, this.frozenLeaders.get(nodeId))),
      Produce: unary('Produce', (req) => this.produce(nodeId, req)),
      InitProducerId: unary('InitProducerId', () => ({ producerId: (this.nextProducerId++).toString(), producerEpoch: 0 })),
      Fetch: unary('Fetch', (req) => this.fetch(nodeId, req)),
      ListOffsets: unary('ListOffsets', (req) => this.listOffsets(nodeId, req)),
      CreateTopics: unary('CreateTopics', (req) => this.createTopics(req)),
      CreatePartitions: unary('CreatePartitions', (req) => ({
        results: req.topics.map((t: { name: string; count: number }) => {
          const topic = this.topics.get(t.name);
          if (topic === undefined) return { name: t.name, error: wireError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${t.name}" does not exist`) };
          if (t.count <= topic.partitions.length) return { name: t.name, error: wireError('INVALID_PARTITIONS', `${topic.partitions.length} partitions already`) };
          if (!req.validateOnly) {
            const leader = [...this.brokers.keys()].sort()[0] ?? 1;
            while (topic.partitions.length < t.count) {
              topic.partitions.push({ leader, leaderEpoch: 0, batches: [], logStartOffset: 0n, nextOffset: 0n, producers: new Map() });
            }
          }
          return { name: t.name };
        }),
      })),
      DeleteTopics: unary('DeleteTopics', (req) => ({
        topics: req.topicNames.map((name: string) => {
          if (!this.topics.has(name)) return { name, error: wireError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`) };
          this.topics.delete(name);
          return { name };
        }),
      })),
      DescribeConfigs: unary('DescribeConfigs', (req) => ({
        results: req.resources.map((r: any) => {
          const t = this.topics.get(r.resourceName);
          if (t === undefined) return { resourceType: r.resourceType, resourceName: r.resourceName, error: wireError('UNKNOWN_TOPIC_OR_PARTITION', 'no such topic') };
          const all = { 'retention.ms': '604800000', 'cleanup.policy': 'delete', ...t.configs };
          return {
            resourceType: r.resourceType,
            resourceName: r.resourceName,
            configs: Object.entries(all).map(([name, value]) => ({ name, value, readOnly: false, isDefault: !(name in t.configs) })),
          };
        }),
      })),
      AlterConfigs: unary('AlterConfigs', (req) => ({
        results: req.resources.map((r: any) => {
          const t = this.topics.get(r.resourceName);
          if (t === undefined) return { resourceType: r.resourceType, resourceName: r.resourceName, error: wireError('UNKNOWN_TOPIC_OR_PARTITION', 'no such topic') };
          if (Object.keys(r.set).some((k) => !/^[a-z.]+$/.test(k))) return { resourceType: r.resourceType, resourceName: r.resourceName, error: wireError('INVALID_CONFIG', 'bad key') };
          Object.assign(t.configs, r.set);
          for (const k of r.delete) delete t.configs[k];
          return { resourceType: r.resourceType, resourceName: r.resourceName };
        }),
      })),
    };
  }

  private metadata(names: string[], frozen?: Map<string, { leader: number; leaderEpoch: number }[]>): unknown {
    const wanted = names.length > 0 ? names : [...this.topics.keys()];
    return {
      clusterId: 'fake',
      controllerId: 1,
      brokers: [...this.brokers.values()].map((b) => ({ nodeId: b.nodeId, host: '127.0.0.1', port: b.port })),
      topics: wanted.map((name) => {
        const t = this.topics.get(name);
        if (t === undefined) return { name, error: wireError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`), partitions: [] };
        return {
          name,
          topicId: `id-${name}`,
          partitions: t.partitions.map((live, i) => {
            const p = frozen?.get(name)?.[i] ?? live;
            return { partition: i, leaderId: p.leader, leaderEpoch: p.leaderEpoch, replicaNodes: [p.leader], isrNodes: [p.leader] };
          }),
        };
      }),
    };
  }

  private partitionProblem(nodeId: number, topic: string, partition: number): ErrorName | undefined {
    const p = this.topics.get(topic)?.partitions[partition];
    if (p === undefined) return 'UNKNOWN_TOPIC_OR_PARTITION';
    if (p.leader !== nodeId) return 'NOT_LEADER_OR_FOLLOWER';
    return undefined;
  }

  private produce(nodeId: number, req: any): unknown {
    return {
      topics: req.topics.map((t: any) => ({
        name: t.name,
        partitions: t.partitions.map((p: any) => {
          const problem = this.partitionProblem(nodeId, t.name, p.partition);
          if (problem !== undefined) return { partition: p.partition, error: wireError(problem, 'fake'), baseOffset: '-1' };
          const base = this.append(t.name, p.partition, p.records);
          if (typeof base === 'string') return { partition: p.partition, error: wireError(base, 'fake producer state'), baseOffset: '-1' };
          return { partition: p.partition, baseOffset: req.acks === 0 ? '-1' : base.toString(), logAppendTimeMs: '-1' };
        }),
      })),
    };
  }

  private async fetch(nodeId: number, req: any): Promise<unknown> {
    const deadline = Date.now() + req.maxWaitMs;
    for (;;) {
      let bytes = 0;
      let failed = false;
      const topics = req.topics.map((t: any) => ({
        name: t.name,
        partitions: t.partitions.map((fp: any) => {
          const problem = this.partitionProblem(nodeId, t.name, fp.partition);
          if (problem !== undefined) {
            failed = true;
            return { partition: fp.partition, error: wireError(problem, 'fake') };
          }
          const p = this.topics.get(t.name)!.partitions[fp.partition]!;
          const offset = BigInt(fp.fetchOffset);
          if (offset < p.logStartOffset || offset > p.nextOffset) {
            failed = true;
            return { partition: fp.partition, error: wireError('OFFSET_OUT_OF_RANGE', `offset ${offset}`), highWatermark: p.nextOffset.toString() };
          }
          const out: Buffer[] = [];
          let size = 0;
          for (const b of p.batches) {
            if (lastOffsetOf(readBatchHeader(b)) < offset) continue;
            if (out.length > 0 && size + b.length > fp.partitionMaxBytes) break;
            out.push(b);
            size += b.length;
          }
          bytes += size;
          return { partition: fp.partition, highWatermark: p.nextOffset.toString(), logStartOffset: p.logStartOffset.toString(), records: Buffer.concat(out) };
        }),
      }));
      const left = deadline - Date.now();
      // As a broker: errors and enough data answer at once, otherwise wait.
      if (failed || bytes >= Math.max(1, req.minBytes) || left <= 0) return { topics };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const that = this.appended;
        function done(): void {
          clearTimeout(timer);
          that.off('append', done);
          resolve();
        }
        this.appended.on('append', done);
      });
    }
  }

  private listOffsets(nodeId: number, req: any): unknown {
    return {
      topics: req.topics.map((t: any) => ({
        name: t.name,
        partitions: t.partitions.map((lp: any) => {
          const problem = this.partitionProblem(nodeId, t.name, lp.partition);
          if (problem !== undefined) return { partition: lp.partition, error: wireError(problem, 'fake') };
          const p = this.topics.get(t.name)!.partitions[lp.partition]!;
          const ts = BigInt(lp.timestamp);
          if (ts === -2n) return { partition: lp.partition, offset: p.logStartOffset.toString(), timestamp: '-1' };
          if (ts === -1n) return { partition: lp.partition, offset: p.nextOffset.toString(), timestamp: '-1' };
          for (const b of decodeRecordBatches(Buffer.concat(p.batches))) {
            for (const r of b.records) if (r.timestamp >= ts) return { partition: lp.partition, offset: r.offset.toString(), timestamp: r.timestamp.toString() };
          }
          return { partition: lp.partition, offset: '-1', timestamp: '-1' };
        }),
      })),
    };
  }

  private createTopics(req: any): unknown {
    return {
      topics: req.topics.map((t: any) => {
        if (this.topics.has(t.name)) return { name: t.name, error: wireError('TOPIC_ALREADY_EXISTS', `topic "${t.name}" already exists`) };
        const n = t.numPartitions === -1 ? 1 : t.numPartitions;
        if (n <= 0) return { name: t.name, error: wireError('INVALID_PARTITIONS', `${n} partitions`) };
        if (!req.validateOnly) this.createTopic(t.name, n, [[...this.brokers.keys()].sort()[0] ?? 1], { ...t.configs });
        return { name: t.name, topicId: `id-${t.name}`, numPartitions: n, replicationFactor: 1, configs: t.configs };
      }),
    };
  }
}

/** A port nothing listens on (bound then released). */
export async function deadPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
