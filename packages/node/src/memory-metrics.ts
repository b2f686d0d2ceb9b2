import { getHeapStatistics } from 'node:v8';
import { Gauge, type Registry } from 'prom-client';
import { readProcessMemory, type ProcessMemory } from '@gregor/common';
import type { LogStoreMemory } from '@gregor/storage';
import { sharedReading } from './broker-metrics';

/**
 * Where a node's memory is, as Prometheus gauges (docs/DESIGN.md, "Memory"):
 * `gregor_memory_bytes{component}` for what is held now and
 * `gregor_memory_budget_bytes{component}` for the bound configuration sets.
 *
 * Components (some contain others, so they do not add up; `native_other`
 * is what is left of anonymous memory once the rest is taken out):
 * - anonymous, file_backed: the kernel's view (/proc/self/smaps_rollup):
 *   anonymous is what the process itself holds; file-backed is mostly
 *   LevelDB's mmapped tables, which the kernel reclaims under pressure;
 * - v8_heap: the JS heap V8 has committed (budget: its heap size limit);
 * - array_buffers: Buffers and ArrayBuffers outside the heap — record
 *   batches in requests, responses, the write queue and the tail cache;
 * - tail_cache, write_queue: the log store's share of those buffers;
 * - leveldb: memtables and block cache (LevelDB's own estimate);
 * - native_other: anonymous − v8_heap − external − leveldb: glibc arenas
 *   (freed memory not returned to the OS), thread stacks, gRPC, LevelDB's
 *   compaction and iterator buffers.
 */
export interface MemorySnapshot {
  bytes: Record<string, number>;
  budget: Record<string, number>;
}

/** One snapshot of every component (pure given its inputs, so tests can check the arithmetic). */
export function memorySnapshot(
  usage: NodeJS.MemoryUsage,
  heapLimitBytes: number,
  resident: ProcessMemory | undefined,
  store: LogStoreMemory | undefined,
): MemorySnapshot {
  const bytes: Record<string, number> = {
    v8_heap: usage.heapTotal,
    array_buffers: usage.arrayBuffers,
    external_other: Math.max(0, usage.external - usage.arrayBuffers),
  };
  const budget: Record<string, number> = { v8_heap: heapLimitBytes };
  if (store !== undefined) {
    bytes.tail_cache = store.tailCacheBytes;
    bytes.write_queue = store.queuedBytes;
    bytes.leveldb = store.leveldbBytes;
    budget.tail_cache = store.tailCacheMaxBytes;
    budget.write_queue = store.queuedMaxBytes;
    budget.leveldb = store.leveldbMaxBytes;
  }
  if (resident !== undefined) {
    bytes.anonymous = resident.anonymousBytes;
    bytes.file_backed = resident.fileBytes;
    bytes.native_other = Math.max(0, resident.anonymousBytes - usage.heapTotal - usage.external - (store?.leveldbBytes ?? 0));
  }
  return { bytes, budget };
}

export function registerMemoryMetrics(registry: Registry, store: () => LogStoreMemory | undefined): void {
  const registers = [registry];
  // One reading per scrape serves every gauge below (the store's is a pass over every partition):
  // gregor_memory_bytes, registered first, takes it.
  const reading = sharedReading((): { store: LogStoreMemory | undefined; snapshot: MemorySnapshot } => {
    const s = store();
    return { store: s, snapshot: memorySnapshot(process.memoryUsage(), getHeapStatistics().heap_size_limit, readProcessMemory(), s) };
  });
  const family = (name: string, help: string, read: () => { snapshot: MemorySnapshot }, pick: (s: MemorySnapshot) => Record<string, number>): void => {
    new Gauge({
      name,
      help,
      labelNames: ['component'],
      registers,
      collect() {
        this.reset();
        for (const [component, value] of Object.entries(pick(read().snapshot))) this.set({ component }, value);
      },
    });
  };
  family('gregor_memory_bytes', 'Memory held now, by component (docs/DESIGN.md §12; components overlap)', () => reading.fresh(), (s) => s.bytes);
  family('gregor_memory_budget_bytes', 'Configured bound of each memory component', () => reading.get(), (s) => s.budget);
  const storeGauge = (name: string, help: string, pick: (m: LogStoreMemory) => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const m = reading.get().store;
        if (m === undefined) this.reset();
        else this.set(pick(m));
      },
    });
  };
  storeGauge('gregor_log_store_table_files', 'LevelDB table files of the log store (open ones are mmapped, up to log.store.max.open.files)', (m) => m.leveldbTableFiles);
  storeGauge('gregor_producer_states', 'Idempotent producers remembered, summed over partitions (KIP-98 state; about 180 bytes each)', (m) => m.producers);
}
