import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Consumer, Gregor } from '@gregor/client';
import { GregorError, type Logger } from '@gregor/common';
import { applyChangelogRecord, type BytesStore } from '../state/bytes-store';
import { InMemoryBytesStore } from '../state/in-memory-store';
import { LevelBytesStore } from '../state/level-store';
import type { Topology } from '../topology/topology';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { isolationLevel, type ResolvedStreamsConfig } from './config';
import { restoreStore } from './restore';

interface GlobalStore {
  readonly name: string;
  readonly topic: string;
  readonly inner: BytesStore;
  /** partition → next offset to apply */
  readonly positions: Map<number, bigint>;
}

/**
 * The global updater (Kafka's GlobalStreamThread): before any task runs,
 * every global store is brought up to the end of every partition of its
 * topic; then a consumer with no group (assign + seek) keeps applying new
 * records in the background. Persistent global stores checkpoint their
 * positions at each commit, so a restart reads only what is new.
 */
export class GlobalStateManager {
  private readonly stores: GlobalStore[] = [];
  private consumer: Consumer | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  /** Typed facades, for the tasks. */
  readonly typed = new Map<string, unknown>();

  constructor(
    private readonly topology: Topology,
    private readonly config: ResolvedStreamsConfig,
    private readonly client: Gregor,
    private readonly logger: Logger,
    private readonly onRestored: (records: number) => void,
    /** The updater hit an error the consumer does not retry: the application must stop. */
    private readonly onFatal: (err: unknown) => void,
  ) {}

  private get dir(): string {
    return path.join(this.config.stateDir, this.config.applicationId, 'global');
  }

  /** Restores every global store to its topic's end; resolves when all are current. */
  async start(): Promise<void> {
    const globals = this.topology.globalStores();
    if (globals.length === 0) return;
    const checkpoint = readCheckpoint(this.dir);
    const described = await this.client.admin().describeTopics(globals.map((g) => g.topic)).catch((err: unknown) => {
      throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `a global table's topic does not exist (${globals.map((g) => g.topic).join(', ')}): ${(err as Error).message}`, {}, err);
    });
    for (const g of globals) {
      const partitions = described.find((d) => d.name === g.topic)!.partitions.length;
      const storeDir = path.join(this.dir, g.spec.name);
      // Without a checkpoint for every partition the files may hold anything: start empty (as task stores do).
      const checkpointed = Array.from({ length: partitions }, (_, p) => checkpoint.has(`${g.spec.name}:${p}`)).every(Boolean);
      if (g.spec.persistent && !checkpointed) rmSync(storeDir, { recursive: true, force: true });
      const inner = g.spec.persistent ? await LevelBytesStore.open(g.spec.name, storeDir) : new InMemoryBytesStore(g.spec.name);
      const positions = new Map<number, bigint>();
      for (let p = 0; p < partitions; p++) {
        const from = g.spec.persistent ? checkpoint.get(`${g.spec.name}:${p}`) : undefined;
        const r = await restoreStore(this.client, g.topic, p, inner, from, this.logger, this.config.processingGuarantee === 'exactly_once_v2');
        this.onRestored(r.restoredRecords);
        positions.set(p, r.endOffset);
      }
      this.stores.push({ name: g.spec.name, topic: g.topic, inner, positions });
      this.typed.set(g.spec.name, g.spec.wrap(inner));
    }
    const consumer = this.client.consumer({ autoOffsetReset: 'earliest', isolationLevel: isolationLevel(this.config) });
    this.consumer = consumer;
    consumer.assign(this.stores.flatMap((s) => [...s.positions.keys()].map((partition) => ({ topic: s.topic, partition }))));
    for (const s of this.stores) for (const [partition, offset] of s.positions) consumer.seek({ topic: s.topic, partition }, offset);
    this.loop = this.run(consumer);
  }

  /** Flushes persistent global stores and checkpoints how far each partition was applied. */
  async checkpoint(): Promise<void> {
    const offsets = new Map<string, bigint>();
    for (const s of this.stores) {
      if (!s.inner.persistent) continue;
      await s.inner.flush();
      for (const [p, o] of s.positions) offsets.set(`${s.name}:${p}`, o);
    }
    if (offsets.size > 0) writeCheckpoint(this.dir, offsets);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.consumer?.close();
    await this.checkpoint();
    for (const s of this.stores) await s.inner.close();
  }

  private async run(consumer: Consumer): Promise<void> {
    const byTopic = new Map(this.stores.map((s) => [s.topic, s]));
    while (!this.stopped) {
      try {
        for (const r of await consumer.poll({ timeoutMs: 100 })) {
          const s = byTopic.get(r.topic)!;
          applyChangelogRecord(s.inner, r.key, r.value);
          s.positions.set(r.partition, r.offset + 1n);
        }
      } catch (err) {
        // The consumer retries what is retriable itself: what reaches here is not, and tasks must not run on a table that stopped updating.
        this.onFatal(err);
        return;
      }
    }
  }
}
