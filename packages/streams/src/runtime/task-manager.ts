import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Gregor, OffsetAndMetadata } from '@gregor/client';
import { GregorError, tpKey, type Logger, type TopicPartition } from '@gregor/common';
import type { IncomingRecord } from '../processor/record-collector';
import { StreamTask, taskIdString, type TaskId } from '../processor/task';
import type { BytesStore } from '../state/bytes-store';
import { changelogTopic, resolveTopic } from '../topology/nodes';
import type { Subtopology } from '../topology/subtopologies';
import type { Topology } from '../topology/topology';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { PartitionGroup } from './partition-group';
import type { CommitPath } from './commit-path';
import type { ResolvedStreamsConfig } from './config';
import type { ProducerCollector } from './producer-collector';
import { restoreStore } from './restore';
import { openTaskStore, type WarmStores } from './task-stores';

export interface TaskManagerDeps {
  topology: Topology;
  config: ResolvedStreamsConfig;
  client: Gregor;
  commitPath: CommitPath;
  collector: ProducerCollector;
  logger: Logger;
  /** In-memory stores standbys kept warm, taken by tasks that become active here. */
  warmStores?: WarmStores;
  /** Global stores (typed), for every task. */
  globalStores?: ReadonlyMap<string, unknown>;
  /** Called with each store's replayed record count when its restoration ends. */
  onRestored?(records: number): void;
}

/**
 * The tasks this instance owns: created (stores opened and restored from
 * their changelogs) when the group assigns their partitions, committed
 * and closed when it takes them away; records routed to them by
 * topic-partition.
 */
export class TaskManager {
  /** Per task: its directory and the changelog offset each persistent store is durable up to. */
  private readonly tasks = new Map<string, { task: StreamTask; dir: string; checkpoint: Map<string, bigint>; input: PartitionGroup; restoredTo: Map<string, bigint> }>();
  private readonly byPartition = new Map<string, { task: StreamTask; input: PartitionGroup }>();
  private readonly subByTopic = new Map<string, Subtopology>();
  /** Stores whose restoration is running (a gauge). */
  restoringStores = 0;

  constructor(private readonly deps: TaskManagerDeps) {
    for (const s of deps.topology.subtopologies()) {
      for (const t of s.sourceTopics) this.subByTopic.set(resolveTopic(deps.config.applicationId, t), s);
    }
  }

  private get eos(): boolean {
    return this.deps.config.processingGuarantee === 'exactly_once_v2';
  }

  get size(): number {
    return this.tasks.size;
  }

  all(): StreamTask[] {
    return [...this.tasks.values()].map((t) => t.task);
  }

  /** The task ids these partitions belong to (pure lookup). */
  taskIdsOf(tps: readonly TopicPartition[]): TaskId[] {
    const ids = new Map<string, TaskId>();
    for (const tp of tps) {
      const s = this.subByTopic.get(tp.topic);
      if (s !== undefined) ids.set(`${s.id}_${tp.partition}`, { subtopology: s.id, partition: tp.partition });
    }
    return [...ids.values()];
  }

  /** Buffers polled records in their tasks' partition groups, to be processed by `processReady`. */
  enqueue(records: readonly IncomingRecord[]): void {
    for (const rec of records) {
      const key = tpKey(rec.topic, rec.partition);
      const owner = this.byPartition.get(key);
      // A partition assigned to no task cannot happen with our assignor; dropping it would lose data, so fail.
      if (owner === undefined) throw new GregorError('UNKNOWN_SERVER_ERROR', `no task owns ${rec.topic}-${rec.partition}`, { topic: rec.topic, partition: rec.partition });
      owner.input.add(key, rec);
    }
  }

  /**
   * Runs every task on the buffered records it may process now (smallest
   * timestamp first; a task waiting for an empty partition, max.task.idle.ms,
   * processes nothing). Returns the records processed.
   */
  processReady(nowMs: number): IncomingRecord[] {
    const done: IncomingRecord[] = [];
    for (const { task, input } of this.tasks.values()) {
      for (const rec of input.drain(nowMs)) {
        task.process(rec);
        done.push(rec);
      }
    }
    return done;
  }

  /**
   * Per running task, the sum over its logged stores of the changelog
   * offset it has written up to (acknowledged writes, else where its
   * restoration ended): what a warm-up replica's offset sum is compared
   * with (KIP-441's lag).
   */
  changelogOffsetSums(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const [key, { task, restoredTo }] of this.tasks) {
      let sum = 0n;
      for (const [name, restored] of restoredTo) {
        const acked = this.deps.collector.ackedEndOffsets.get(tpKey(changelogTopic(this.deps.config.applicationId, name), task.partition)) ?? -1n;
        sum += acked > restored ? acked : restored;
      }
      out.set(key, sum);
    }
    return out;
  }

  /** Records polled but not processed yet (waiting for other partitions). */
  get bufferedRecords(): number {
    let n = 0;
    for (const { input } of this.tasks.values()) n += input.totalBuffered;
    return n;
  }

  /** Input partitions whose buffer holds at least `limit` records (the loop pauses fetching them). */
  fullPartitions(limit: number): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const { task, input } of this.tasks.values()) {
      for (const topic of task.inputTopics()) if (input.buffered(tpKey(topic, task.partition)) >= limit) out.push({ topic, partition: task.partition });
    }
    return out;
  }

  async createTasks(ids: readonly TaskId[]): Promise<void> {
    for (const id of ids) {
      const key = taskIdString(id);
      if (this.tasks.has(key)) continue;
      const sub = this.deps.topology.subtopologies().find((s) => s.id === id.subtopology)!;
      const dir = path.join(this.deps.config.stateDir, this.deps.config.applicationId, key);
      const checkpoint = readCheckpoint(dir);
      const restoredTo = new Map<string, bigint>();
      const innerStores = await this.openStores(id, sub, dir, checkpoint, restoredTo);
      const task = new StreamTask({
        applicationId: this.deps.config.applicationId,
        id,
        topology: this.deps.topology,
        subtopology: sub,
        collector: this.deps.commitPath.collector,
        innerStores,
        ...(this.deps.globalStores === undefined ? {} : { globalStores: this.deps.globalStores }),
        wallClockMs: () => this.deps.config.clock.nowMs(),
        cacheMaxEntries: this.deps.config.cacheMaxEntries,
        onDeserializationError: this.deps.config.deserializationExceptionHandler,
        logger: this.deps.logger,
      });
      // exactly_once_v2 (as Kafka): once the task runs, its stores may hold writes of a transaction that is later
      // aborted, so the checkpoint is removed now and written again only at a clean close, after a commit.
      if (this.eos) rmSync(path.join(dir, '.checkpoint'), { force: true });
      const input = new PartitionGroup(
        task.inputTopics().map((topic) => tpKey(topic, id.partition)),
        this.deps.config.maxTaskIdleMs,
      );
      this.tasks.set(key, { task, dir, checkpoint, input, restoredTo });
      for (const topic of task.inputTopics()) this.byPartition.set(tpKey(topic, id.partition), { task, input });
      this.deps.logger.info('task created', { task: key, stores: sub.stores });
    }
  }

  /**
   * Commits every task: caches written down (their forwards and changelog
   * writes sent), outputs acknowledged and offsets committed through the
   * commit path, then the persistent stores flushed and checkpointed.
   * Returns the offsets committed.
   */
  async commitAll(): Promise<OffsetAndMetadata[]> {
    const tasks = this.all();
    for (const t of tasks) t.flushCaches();
    const offsets: OffsetAndMetadata[] = tasks.flatMap((t) => t.consumedOffsets());
    await this.deps.commitPath.commit(offsets);
    for (const entry of this.tasks.values()) {
      if (this.eos) await entry.task.persistStores();
      else await this.checkpoint(entry);
    }
    return offsets;
  }

  /** Closes tasks: `clean` after a commit (stores checkpointed), else (partitions lost) without writing a checkpoint. */
  async closeTasks(ids: readonly TaskId[], clean: boolean): Promise<void> {
    for (const id of ids) {
      const key = taskIdString(id);
      const entry = this.tasks.get(key);
      if (entry === undefined) continue;
      this.tasks.delete(key);
      for (const topic of entry.task.inputTopics()) this.byPartition.delete(tpKey(topic, id.partition));
      if (!clean) rmSync(path.join(entry.dir, '.checkpoint'), { force: true });
      else if (this.eos) await this.checkpoint(entry);
      await entry.task.close({ dirty: !clean });
      this.deps.logger.info('task closed', { task: key, clean });
    }
  }

  async closeAll(clean: boolean): Promise<void> {
    await this.closeTasks(this.all().map((t) => t.id), clean);
  }

  /** Opens each store of the task and restores it; `checkpoint` is updated to what the stores now hold. */
  private async openStores(id: TaskId, sub: Subtopology, dir: string, checkpoint: Map<string, bigint>, restoredTo: Map<string, bigint>): Promise<Map<string, BytesStore>> {
    const { applicationId } = this.deps.config;
    const out = new Map<string, BytesStore>();
    for (const name of sub.stores) {
      const spec = this.deps.topology.store(name)!;
      const { store, from } = await openTaskStore(spec, dir, checkpoint, this.deps.warmStores?.take(taskIdString(id), name));
      if (spec.logging) {
        this.restoringStores++;
        const r = await restoreStore(this.deps.client, changelogTopic(applicationId, name), id.partition, store, from, this.deps.logger, this.eos).finally(() => this.restoringStores--);
        this.deps.onRestored?.(r.restoredRecords);
        restoredTo.set(name, r.endOffset);
        if (spec.persistent) checkpoint.set(name, r.endOffset);
      }
      out.set(name, store);
    }
    return out;
  }

  /** Flushes the task's persistent stores, then records the changelog offsets they now hold. */
  private async checkpoint(entry: { task: StreamTask; dir: string; checkpoint: Map<string, bigint> }): Promise<void> {
    const { task, dir, checkpoint } = entry;
    await task.persistStores();
    for (const [name, stack] of task.stores) {
      if (!stack.spec.persistent || !stack.spec.logging) continue;
      const acked = this.deps.collector.ackedEndOffsets.get(tpKey(changelogTopic(this.deps.config.applicationId, name), task.partition));
      if (acked !== undefined) checkpoint.set(name, acked);
    }
    if (checkpoint.size > 0) writeCheckpoint(dir, checkpoint);
  }
}
