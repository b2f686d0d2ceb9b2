import { GregorError, type Logger } from '@gregor/common';
import type { StreamRecord } from '../record';
import type { BytesStore } from '../state/bytes-store';
import type { Subtopology } from '../topology/subtopologies';
import { changelogTopic, resolveTopic, type SinkNode, type SourceNode } from '../topology/nodes';
import type { Topology } from '../topology/topology';
import type { Cancellable, Processor, PunctuationType, RecordMetadata } from './api';
import type { InternalProcessorContext } from './internal-context';
import { punctuationDue, type PunctuationSchedule } from './punctuation';
import type { IncomingRecord, RecordCollector } from './record-collector';
import { buildStoreStack, type StoreStack } from './store-stack';

/** Kafka's task id: sub-topology and partition, printed "1_0". */
export interface TaskId {
  readonly subtopology: number;
  readonly partition: number;
}

export const taskIdString = (t: TaskId): string => `${t.subtopology}_${t.partition}`;

export interface TaskDeps {
  applicationId: string;
  id: TaskId;
  topology: Topology;
  subtopology: Subtopology;
  collector: RecordCollector;
  /** Opened (and restored) bottom layer of each of the sub-topology's stores. */
  innerStores: ReadonlyMap<string, BytesStore>;
  /** Global stores (typed), readable by every processor. */
  globalStores?: ReadonlyMap<string, unknown>;
  wallClockMs: () => number;
  cacheMaxEntries: number;
  /** What to do with a record whose key or value does not deserialize. */
  onDeserializationError: 'fail' | 'logAndContinue' | { deadLetterTopic: string };
  logger: Logger;
}

interface RuntimeNode {
  readonly name: string;
  readonly processor: Processor<unknown, unknown, unknown, unknown>;
  readonly children: RuntimeNode[];
  readonly stores: ReadonlySet<string>;
}

/**
 * One task: the sub-topology's processors for one partition, its stores
 * and its punctuators (Kafka's StreamTask). Single-threaded and
 * synchronous; the driver (TopologyTestDriver or KafkaStreams) feeds it
 * records, calls `flushCaches` + `persistStores` at commit and records
 * `consumedOffsets`.
 */
export class StreamTask {
  readonly idString: string;
  private readonly nodes = new Map<string, RuntimeNode>();
  private readonly sources = new Map<string, { node: SourceNode; runtime: RuntimeNode }>();
  readonly stores = new Map<string, StoreStack>();
  private readonly schedules: PunctuationSchedule[] = [];
  private readonly consumed = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private current: RuntimeNode | undefined;
  private metadata: RecordMetadata | undefined;
  private recordTimestampMs = -1;
  private streamTimeMs = -1;
  /** Records dropped by the deserialization handler (logAndContinue). */
  skippedRecords = 0;
  private readonly context: InternalProcessorContext;

  constructor(private readonly deps: TaskDeps) {
    this.idString = taskIdString(deps.id);
    this.context = this.makeContext();
    for (const name of deps.subtopology.stores) {
      const spec = deps.topology.store(name)!;
      const inner = deps.innerStores.get(name);
      if (inner === undefined) throw new GregorError('UNKNOWN_SERVER_ERROR', `task ${this.idString}: store "${name}" was not opened`);
      const topic = changelogTopic(deps.applicationId, name);
      const log = (key: Buffer, value: Buffer | null): void =>
        deps.collector.send({ topic, partition: deps.id.partition, key, value, timestamp: Math.max(this.recordTimestampMs, 0), headers: [] });
      this.stores.set(name, buildStoreStack(spec, inner, { log, cacheMaxEntries: deps.cacheMaxEntries, nowMs: () => this.recordTimestampMs }));
    }
    for (const spec of deps.subtopology.nodes) {
      const processor = spec.kind === 'processor' ? spec.supplier() : spec.kind === 'sink' ? this.sinkProcessor(spec) : { process: () => undefined };
      const runtime: RuntimeNode = { name: spec.name, processor, children: [], stores: new Set(spec.kind === 'processor' ? spec.stores : []) };
      this.nodes.set(spec.name, runtime);
      if (spec.kind !== 'source') for (const p of spec.parents) this.nodes.get(p)!.children.push(runtime);
      else for (const t of spec.topics) this.sources.set(resolveTopic(deps.applicationId, t), { node: spec, runtime });
    }
    // Parents were added before children, so this initialises upstream first.
    for (const node of this.nodes.values()) this.withNode(node, () => node.processor.init?.(this.context));
  }

  get id(): TaskId {
    return this.deps.id;
  }

  get partition(): number {
    return this.deps.id.partition;
  }

  /** Input topics (resolved names) this task reads. */
  inputTopics(): string[] {
    return [...this.sources.keys()];
  }

  streamTime(): number {
    return this.streamTimeMs;
  }

  /** Deserializes one input record, runs it through the sub-topology, then fires due stream-time punctuators. */
  process(rec: IncomingRecord): void {
    const source = this.sources.get(rec.topic);
    if (source === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `task ${this.idString} does not read ${rec.topic}`, { topic: rec.topic });
    this.consumed.set(`${rec.topic}:${rec.partition}`, { topic: rec.topic, partition: rec.partition, offset: rec.offset + 1n });
    let key: unknown;
    let value: unknown;
    try {
      key = source.node.keySerde.deserialize(rec.topic, rec.key);
      value = source.node.valueSerde.deserialize(rec.topic, rec.value);
    } catch (err) {
      if (this.deps.onDeserializationError === 'fail') {
        throw new GregorError('CORRUPT_MESSAGE', `task ${this.idString}: cannot deserialize ${rec.topic}-${rec.partition}@${rec.offset}: ${(err as Error).message}`, { topic: rec.topic, partition: rec.partition }, err);
      }
      this.skippedRecords++;
      const handler = this.deps.onDeserializationError;
      const where = { task: this.idString, topic: rec.topic, partition: rec.partition, offset: String(rec.offset), error: (err as Error).message };
      if (typeof handler === 'object') {
        this.deps.collector.send({ topic: handler.deadLetterTopic, key: rec.key, value: rec.value, timestamp: rec.timestamp, headers: [...rec.headers, ...deadLetterHeaders(rec, err)] });
        this.deps.logger.warn('sent a record that does not deserialize to the dead-letter topic', { ...where, deadLetterTopic: handler.deadLetterTopic });
      } else {
        this.deps.logger.warn('skipping a record that does not deserialize', where);
      }
      return;
    }
    const extract = source.node.timestampExtractor;
    const timestamp = extract === undefined ? rec.timestamp : extract({ key, value, timestamp: rec.timestamp, topic: rec.topic, partition: rec.partition, offset: rec.offset });
    if (!(timestamp >= 0)) {
      // Kafka's LogAndSkipOnInvalidTimestamp: a record without a usable event time cannot be placed in stream time.
      this.skippedRecords++;
      this.deps.logger.warn('skipping a record with an invalid timestamp', { task: this.idString, topic: rec.topic, partition: rec.partition, offset: String(rec.offset), timestamp });
      return;
    }
    this.metadata = { topic: rec.topic, partition: rec.partition, offset: rec.offset };
    this.recordTimestampMs = timestamp;
    if (timestamp > this.streamTimeMs) this.streamTimeMs = timestamp;
    try {
      this.forwardFrom(source.runtime, { key, value, timestamp, headers: rec.headers });
    } finally {
      this.metadata = undefined;
    }
    this.punctuate('STREAM_TIME', this.streamTimeMs);
  }

  /** Fires due wall-clock punctuators; returns how many fired. */
  punctuateWallClock(): number {
    return this.punctuate('WALL_CLOCK_TIME', this.deps.wallClockMs());
  }

  /**
   * Writes every cache down (changelog, inner store, downstream), upstream
   * stores first; the first half of a commit, synchronous.
   */
  flushCaches(): void {
    for (const stack of this.stores.values()) stack.cache?.flushCache();
  }

  /** Makes the stores' contents durable (LevelDB batches); after flushCaches. */
  async persistStores(): Promise<void> {
    for (const stack of this.stores.values()) await stack.inner.flush();
  }

  /** Next offsets to commit, per input partition this task processed from. */
  consumedOffsets(): { topic: string; partition: number; offset: bigint }[] {
    return [...this.consumed.values()];
  }

  /**
   * Closes processors (upstream first), then the stores. Clean: caches are
   * written down (changelog and downstream). Dirty (the task was lost and
   * may already run elsewhere): caches are dropped, so this instance writes
   * nothing more for it — no zombie changelog or output records.
   */
  async close(opts: { dirty?: boolean } = {}): Promise<void> {
    if (opts.dirty === true) for (const stack of this.stores.values()) stack.cache?.discard();
    for (const node of this.nodes.values()) this.withNode(node, () => node.processor.close?.());
    for (const stack of this.stores.values()) await (opts.dirty === true ? stack.inner.close() : stack.top.close());
  }

  private punctuate(type: PunctuationType, nowMs: number): number {
    if (nowMs < 0) return 0;
    let fired = 0;
    for (const s of this.schedules) {
      if (s.cancelled || s.type !== type) continue;
      const due = punctuationDue(s, nowMs);
      s.nextMs = due.nextMs;
      if (!due.fire) continue;
      fired++;
      const saved = this.recordTimestampMs;
      this.recordTimestampMs = nowMs;
      try {
        this.withNode(this.nodes.get(s.nodeName)!, () => s.callback(nowMs));
      } finally {
        this.recordTimestampMs = saved;
      }
    }
    return fired;
  }

  private forwardFrom(node: RuntimeNode, record: StreamRecord<unknown, unknown>, childName?: string): void {
    const targets = childName === undefined ? node.children : node.children.filter((c) => c.name === childName);
    if (childName !== undefined && targets.length === 0) throw new GregorError('INVALID_CONFIG', `"${node.name}" has no child named "${childName}"`);
    for (const child of targets) this.withNode(child, () => child.processor.process(record));
  }

  private withNode<T>(node: RuntimeNode, fn: () => T): T {
    const saved = this.current;
    this.current = node;
    try {
      return fn();
    } finally {
      this.current = saved;
    }
  }

  private sinkProcessor(spec: SinkNode): Processor<unknown, unknown> {
    const appId = this.deps.applicationId;
    return {
      process: (r) => {
        const topic =
          typeof spec.topic === 'function' ? spec.topic(r.key, r.value, { sourceTopic: this.metadata?.topic, timestamp: r.timestamp }) : resolveTopic(appId, spec.topic);
        this.deps.collector.send({
          topic,
          key: spec.keySerde.serialize(topic, r.key),
          value: spec.valueSerde.serialize(topic, r.value),
          timestamp: r.timestamp,
          headers: r.headers,
        });
      },
    };
  }

  private makeContext(): InternalProcessorContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const task = this;
    const currentNode = (what: string): RuntimeNode => {
      if (task.current === undefined) throw new GregorError('INVALID_CONFIG', `${what} called outside of a processor`);
      return task.current;
    };
    return {
      applicationId: task.deps.applicationId,
      taskId: task.idString,
      recordMetadata: () => task.metadata,
      currentStreamTimeMs: () => task.streamTimeMs,
      currentSystemTimeMs: () => task.deps.wallClockMs(),
      forward: (record, childName) => task.forwardFrom(currentNode('forward'), record, childName),
      getStateStore: <S>(name: string): S => {
        const node = currentNode('getStateStore');
        const global = task.deps.globalStores?.get(name);
        if (global !== undefined) return global as S;
        const stack = task.stores.get(name);
        if (stack === undefined || !node.stores.has(name)) {
          throw new GregorError('INVALID_CONFIG', `processor "${node.name}" has no access to state store "${name}" (connect it in the topology)`);
        }
        return stack.typed as S;
      },
      schedule: (intervalMs: number, type: PunctuationType, callback: (ts: number) => void): Cancellable => {
        if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new GregorError('INVALID_CONFIG', `punctuation interval must be a positive integer of ms, got ${intervalMs}`);
        const s: PunctuationSchedule = {
          intervalMs,
          type,
          nodeName: currentNode('schedule').name,
          callback,
          nextMs: type === 'WALL_CLOCK_TIME' ? task.deps.wallClockMs() + intervalMs : undefined,
          cancelled: false,
        };
        task.schedules.push(s);
        return { cancel: () => void (s.cancelled = true) };
      },
      bindToNode: <A extends unknown[]>(fn: (...args: A) => void): ((...args: A) => void) => {
        const node = currentNode('bindToNode');
        return (...args: A) => task.withNode(node, () => fn(...args));
      },
    };
  }
}

/** Where a dead-lettered record came from and why (header names in the spirit of Kafka Connect's DLQ headers). */
function deadLetterHeaders(rec: IncomingRecord, err: unknown): { key: string; value: Buffer }[] {
  return [
    { key: 'gregor.dlq.topic', value: Buffer.from(rec.topic) },
    { key: 'gregor.dlq.partition', value: Buffer.from(String(rec.partition)) },
    { key: 'gregor.dlq.offset', value: Buffer.from(String(rec.offset)) },
    { key: 'gregor.dlq.error', value: Buffer.from(err instanceof Error ? err.message : String(err)) },
  ];
}
