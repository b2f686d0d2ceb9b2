import type { RecordHeader } from '@gregor/client';
import { GregorError, silentLogger, type Logger } from '@gregor/common';
import type { IncomingRecord, OutgoingRecord, RecordCollector } from '../processor/record-collector';
import { StreamTask } from '../processor/task';
import type { Serde } from '../serdes';
import { applyChangelogRecord } from '../state/bytes-store';
import { InMemoryBytesStore } from '../state/in-memory-store';
import type { KeyValueStore } from '../state/key-value-store';
import type { WindowStore } from '../state/window-store';
import { resolveTopic } from '../topology/nodes';
import type { Topology } from '../topology/topology';
import { TestInputTopic, TestOutputTopic } from './test-topics';

export interface TopologyTestDriverOptions {
  applicationId?: string;
  /** Wall-clock start (ms); moves only with advanceWallClockTime. */
  initialWallClockMs?: number;
  /** Cache size per store; 0 turns caching off. Caches flush after every input record anyway (as Kafka's driver commits per record). */
  cacheMaxEntries?: number;
  onDeserializationError?: 'fail' | 'logAndContinue' | { deadLetterTopic: string };
  logger?: Logger;
  /** Bound on records one input may cause through internal topics (a topology that loops forever is an error, not a hang). */
  maxInternalRecordsPerInput?: number;
  /** Commit (flush caches) after every input record, as Kafka's driver does (default true); false: only on commit(). */
  commitEveryRecord?: boolean;
}

/**
 * Runs a topology with no cluster, deterministically (Kafka's
 * TopologyTestDriver): one task per sub-topology, all on partition 0,
 * stores in memory (persistent ones too — their LevelDB layer is tested on
 * its own), wall-clock time moved by hand. Each piped record is processed
 * to completion — including its trip through repartition topics and any
 * topic the topology both writes and reads — then committed (caches
 * flushed), before pipeInput returns.
 */
export class TopologyTestDriver {
  readonly applicationId: string;
  private wallClockMs: number;
  private readonly tasks: StreamTask[] = [];
  private readonly taskByTopic = new Map<string, StreamTask>();
  private readonly outputs = new Map<string, OutgoingRecord[]>();
  private readonly internalQueue: OutgoingRecord[] = [];
  private readonly offsets = new Map<string, bigint>();
  private readonly maxInternal: number;
  private readonly commitEveryRecord: boolean;
  /** Global stores by their topic: piped records go straight into them, bytes as they are. */
  private readonly globalByTopic = new Map<string, InMemoryBytesStore>();
  private readonly globalTyped = new Map<string, unknown>();

  constructor(
    readonly topology: Topology,
    opts: TopologyTestDriverOptions = {},
  ) {
    this.applicationId = opts.applicationId ?? 'test-driver';
    this.wallClockMs = opts.initialWallClockMs ?? 0;
    this.maxInternal = opts.maxInternalRecordsPerInput ?? 100_000;
    this.commitEveryRecord = opts.commitEveryRecord ?? true;
    const collector: RecordCollector = {
      send: (r) => {
        if (this.taskByTopic.has(r.topic)) this.internalQueue.push(r);
        let list = this.outputs.get(r.topic);
        if (list === undefined) this.outputs.set(r.topic, (list = []));
        list.push(r);
      },
    };
    for (const g of topology.globalStores()) {
      const store = new InMemoryBytesStore(g.spec.name);
      this.globalByTopic.set(g.topic, store);
      this.globalTyped.set(g.spec.name, g.spec.wrap(store));
    }
    for (const sub of topology.subtopologies()) {
      const innerStores = new Map(sub.stores.map((s) => [s, new InMemoryBytesStore(s)]));
      const task = new StreamTask({
        applicationId: this.applicationId,
        id: { subtopology: sub.id, partition: 0 },
        topology,
        subtopology: sub,
        collector,
        innerStores,
        globalStores: this.globalTyped,
        wallClockMs: () => this.wallClockMs,
        cacheMaxEntries: opts.cacheMaxEntries ?? 1000,
        onDeserializationError: opts.onDeserializationError ?? 'fail',
        logger: opts.logger ?? silentLogger(),
      });
      this.tasks.push(task);
      for (const t of sub.sourceTopics) this.taskByTopic.set(resolveTopic(this.applicationId, t), task);
    }
  }

  createInputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>, opts: { startTimestampMs?: number; autoAdvanceMs?: number } = {}): TestInputTopic<K, V> {
    if (!this.taskByTopic.has(topic) && !this.globalByTopic.has(topic)) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `the topology does not read topic "${topic}"`, { topic });
    return new TestInputTopic(topic, keySerde, valueSerde, (r) => this.pipe(r), opts.startTimestampMs ?? this.wallClockMs, opts.autoAdvanceMs ?? 0);
  }

  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    let list = this.outputs.get(topic);
    if (list === undefined) this.outputs.set(topic, (list = []));
    return new TestOutputTopic(topic, keySerde, valueSerde, list);
  }

  /** Topics written so far (sinks, repartition topics, changelogs). */
  producedTopicNames(): string[] {
    return [...this.outputs].filter(([, l]) => l.length > 0).map(([t]) => t);
  }

  /** Moves wall-clock time and fires due WALL_CLOCK_TIME punctuators. */
  advanceWallClockTime(ms: number): void {
    if (ms < 0) throw new RangeError(`wall-clock time does not go back (advance ${ms})`);
    this.wallClockMs += ms;
    for (const t of this.tasks) t.punctuateWallClock();
    this.drainAndCommit(this.commitEveryRecord);
  }

  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.getStateStore<KeyValueStore<K, V>>(name, 'keyValue');
  }

  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.getStateStore<WindowStore<K, V>>(name, 'window');
  }

  getStateStore<S>(name: string, kind?: 'keyValue' | 'window'): S {
    const global = this.globalTyped.get(name);
    if (global !== undefined) return global as S;
    for (const t of this.tasks) {
      const stack = t.stores.get(name);
      if (stack === undefined) continue;
      if (kind !== undefined && stack.spec.kind !== kind) throw new GregorError('INVALID_CONFIG', `state store "${name}" is a ${stack.spec.kind} store, not a ${kind} store`);
      return stack.typed as S;
    }
    throw new GregorError('INVALID_CONFIG', `no state store named "${name}" in the topology`);
  }

  /** Flushes every cache (forwarding what they held) and delivers what that wrote to internal topics. */
  commit(): void {
    this.drainAndCommit(true);
  }

  /** Records the deserialization handler skipped (logAndContinue). */
  skippedRecords(): number {
    return this.tasks.reduce((n, t) => n + t.skippedRecords, 0);
  }

  async close(): Promise<void> {
    for (const t of this.tasks) await t.close();
  }

  private pipe(r: { topic: string; key: Buffer | null; value: Buffer | null; timestamp: number; headers: readonly RecordHeader[] }): void {
    const global = this.globalByTopic.get(r.topic);
    if (global !== undefined) {
      applyChangelogRecord(global, r.key, r.value);
      return;
    }
    this.deliver(r);
    this.drainAndCommit(this.commitEveryRecord);
  }

  private deliver(r: { topic: string; key: Buffer | null; value: Buffer | null; timestamp: number; headers: readonly RecordHeader[] }): void {
    const task = this.taskByTopic.get(r.topic);
    if (task === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `the topology does not read topic "${r.topic}"`, { topic: r.topic });
    const offset = this.offsets.get(r.topic) ?? 0n;
    this.offsets.set(r.topic, offset + 1n);
    const rec: IncomingRecord = { topic: r.topic, partition: 0, offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers };
    task.process(rec);
  }

  /** Feeds records written to topics the topology reads back in, then (if `commit`) flushes caches, until quiet. */
  private drainAndCommit(commit: boolean): void {
    let delivered = 0;
    for (;;) {
      while (this.internalQueue.length > 0) {
        if (++delivered > this.maxInternal) throw new GregorError('INVALID_CONFIG', `one input caused more than ${this.maxInternal} records through internal topics: does the topology loop?`);
        this.deliver(this.internalQueue.shift()!);
      }
      if (commit) for (const t of this.tasks) t.flushCaches();
      if (this.internalQueue.length === 0) return;
    }
  }
}
