import * as path from 'node:path';
import { tpKey, type Logger, type TopicPartition } from '@gregor/common';
import type { IncomingRecord } from '../processor/record-collector';
import { applyChangelogRecord, type BytesStore } from '../state/bytes-store';
import { changelogTopic } from '../topology/nodes';
import type { Topology } from '../topology/topology';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import type { ResolvedStreamsConfig } from './config';
import { openTaskStore, type WarmStores } from './task-stores';

interface StandbyStore {
  readonly name: string;
  readonly persistent: boolean;
  readonly store: BytesStore;
  /** Next changelog offset to apply. */
  position: bigint | undefined;
}

interface StandbyTask {
  readonly key: string;
  readonly dir: string;
  readonly stores: Map<string, StandbyStore>;
}

/**
 * Standby replicas (Kafka's num.standby.replicas): warm copies of other
 * instances' task stores, kept by consuming their changelog partitions —
 * assigned to this instance by the group like any partition — and
 * applying every record, processing nothing. When a task becomes active
 * here it starts from the standby's state and replays only the tail
 * (persistent stores through the shared task directory's checkpoint,
 * in-memory ones handed over through WarmStores), so a failover does not
 * replay the whole changelog.
 */
export class StandbyTasks {
  private readonly tasks = new Map<string, StandbyTask>();
  /** changelog topic → the store and sub-topology it belongs to */
  private readonly changelogs = new Map<string, { store: string; subtopology: number }>();
  private readonly byPartition = new Map<string, { standby: StandbyStore; tp: TopicPartition }>();

  constructor(
    private readonly topology: Topology,
    private readonly config: ResolvedStreamsConfig,
    private readonly warm: WarmStores,
    private readonly logger: Logger,
  ) {
    for (const s of topology.subtopologies()) {
      for (const store of s.stores) {
        if (topology.store(store)!.logging) this.changelogs.set(changelogTopic(config.applicationId, store), { store, subtopology: s.id });
      }
    }
  }

  /** Changelog topics per sub-topology: what standbys of its tasks read (for the assignor). */
  changelogsBySubtopology(): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const [topic, { subtopology }] of this.changelogs) out.set(subtopology, [...(out.get(subtopology) ?? []), topic]);
    return out;
  }

  isChangelog(topic: string): boolean {
    return this.changelogs.has(topic);
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Opens standby stores for these changelog partitions; returns where to seek each (undefined: from the start). */
  async open(tps: readonly TopicPartition[]): Promise<{ tp: TopicPartition; from: bigint | undefined }[]> {
    const out: { tp: TopicPartition; from: bigint | undefined }[] = [];
    for (const tp of tps) {
      const owner = this.changelogs.get(tp.topic);
      if (owner === undefined) continue;
      const key = `${owner.subtopology}_${tp.partition}`;
      let task = this.tasks.get(key);
      if (task === undefined) {
        task = { key, dir: path.join(this.config.stateDir, this.config.applicationId, key), stores: new Map() };
        this.tasks.set(key, task);
      }
      const spec = this.topology.store(owner.store)!;
      const { store, from } = await openTaskStore(spec, task.dir, readCheckpoint(task.dir), this.warm.take(key, owner.store));
      const standby: StandbyStore = { name: owner.store, persistent: spec.persistent, store, position: from };
      task.stores.set(owner.store, standby);
      this.byPartition.set(tpKey(tp.topic, tp.partition), { standby, tp });
      out.push({ tp, from });
      this.logger.info('standby store opened', { task: key, store: owner.store, from: from === undefined ? 'start' : String(from) });
    }
    return out;
  }

  /** Each standby partition and the offset applied up to (undefined before its first record). */
  positions(): { tp: TopicPartition; position: bigint | undefined }[] {
    return [...this.byPartition.values()].map((e) => ({ tp: e.tp, position: e.standby.position }));
  }

  /** Per standby task, the sum of the changelog offsets its stores applied (what the assignor compares). */
  taskOffsetSums(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const [key, task] of this.tasks) out.set(key, [...task.stores.values()].reduce((sum, s) => sum + (s.position ?? 0n), 0n));
    return out;
  }

  apply(rec: IncomingRecord): void {
    const s = this.byPartition.get(tpKey(rec.topic, rec.partition))?.standby;
    if (s === undefined) return;
    applyChangelogRecord(s.store, rec.key, rec.value);
    s.position = rec.offset + 1n;
  }

  /** Flushes persistent standby stores and checkpoints their positions (at each commit). */
  async checkpointAll(): Promise<void> {
    for (const t of this.tasks.values()) await this.checkpoint(t);
  }

  /** Stops keeping these partitions: persistent stores checkpointed and closed, in-memory ones kept warm for a promotion. */
  async close(tps: readonly TopicPartition[]): Promise<void> {
    for (const tp of tps) {
      const owner = this.changelogs.get(tp.topic);
      const s = this.byPartition.get(tpKey(tp.topic, tp.partition))?.standby;
      if (owner === undefined || s === undefined) continue;
      const key = `${owner.subtopology}_${tp.partition}`;
      const task = this.tasks.get(key)!;
      await this.checkpoint(task);
      this.byPartition.delete(tpKey(tp.topic, tp.partition));
      task.stores.delete(s.name);
      if (task.stores.size === 0) this.tasks.delete(key);
      if (s.persistent) await s.store.close();
      else if (s.position !== undefined) this.warm.put(key, s.name, { store: s.store, position: s.position });
      this.logger.info('standby store closed', { task: key, store: s.name, position: s.position === undefined ? 'none' : String(s.position) });
    }
  }

  async closeAll(): Promise<void> {
    await this.close([...this.byPartition.values()].map((e) => e.tp));
    await this.warm.clear();
  }

  private async checkpoint(task: StandbyTask): Promise<void> {
    const checkpoint = readCheckpoint(task.dir);
    let changed = false;
    for (const s of task.stores.values()) {
      if (!s.persistent || s.position === undefined) continue;
      await s.store.flush();
      checkpoint.set(s.name, s.position);
      changed = true;
    }
    if (changed) writeCheckpoint(task.dir, checkpoint);
  }
}
