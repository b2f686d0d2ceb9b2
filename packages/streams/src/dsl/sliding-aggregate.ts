import { assert, type Logger } from '@gregor/common';
import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import type { Change, StreamRecord } from '../record';
import { serializeKey, type Serde } from '../serdes';
import { prefixedKey, splitKeyPrefix } from '../state/key-prefix';
import { CachingStore } from '../state/caching-store';
import { TypedKeyValueStore, type KeyValueStore } from '../state/key-value-store';
import { internal } from '../processor/internal-context';
import type { SlidingWindows, Windowed } from '../windows';
import type { AggregateStep, WindowAggregateCounters } from './aggregate-processors';

/** A sliding window's aggregate and the largest timestamp among its records (Kafka's ValueAndTimestamp). */
export interface SlidingWindowState<A> {
  readonly startMs: number;
  readonly aggregate: A;
  readonly maxTimestampMs: number;
}

/**
 * One store write for a record:
 * - `add`: the record joins a window — an existing one (`base` is it), or a
 *   new one starting from `base`'s aggregate (a copy) or, with no base,
 *   from nothing (the initializer);
 * - `copy`: a new window that the record is not in, holding `base`'s
 *   aggregate as is (the record's own right window, made of later records).
 */
export type SlidingWindowWrite<A> =
  | { readonly kind: 'add'; readonly startMs: number; readonly base: SlidingWindowState<A> | undefined; readonly existing: boolean }
  | { readonly kind: 'copy'; readonly startMs: number; readonly base: SlidingWindowState<A> };

/**
 * Which windows a record at `t` creates or updates (Kafka's
 * KStreamSlidingWindowAggregate, KIP-450), from the key's windows that
 * start in [t − 2·difference, t + 1] (from 0 for an early record,
 * t < difference), oldest first. Pure: the processor reads the windows,
 * asks, and writes in the order returned.
 *
 * It relies on the store holding every distinct window so far (each
 * record's left window, and its right window when not empty), so the
 * aggregate of a new window can be copied from a neighbour instead of
 * being recomputed from records, which are not kept:
 * - the newest window ending before t, when its newest record is within
 *   the difference of t, holds exactly the records of t's new left window;
 * - the newest window that starts at or before t and ends after it, when
 *   it holds a record later than t, holds exactly t's right window's.
 */
export function planSlidingWindowWrites<A>(windows: readonly SlidingWindowState<A>[], t: number, differenceMs: number): SlidingWindowWrite<A>[] {
  return t < differenceMs ? planEarly(windows, t) : planInOrder(windows, t, differenceMs);
}

function planInOrder<A>(windows: readonly SlidingWindowState<A>[], t: number, d: number): SlidingWindowWrite<A>[] {
  const writes: SlidingWindowWrite<A>[] = [];
  const starts = new Set<number>();
  let before: SlidingWindowState<A> | undefined; // the newest window ending before t
  let previousRecordMs: number | undefined; // the newest record before t
  let leftExists = false;
  let rightExists = false;
  let straddling: SlidingWindowState<A> | undefined; // the newest window holding t and ending after it
  for (const w of windows) {
    starts.add(w.startMs);
    const endMs = w.startMs + d;
    if (endMs < t) {
      before = w;
      previousRecordMs = w.maxTimestampMs;
    } else if (endMs === t) {
      leftExists = true;
      if (w.maxTimestampMs < t) previousRecordMs = w.maxTimestampMs;
      writes.push({ kind: 'add', startMs: w.startMs, base: w, existing: true });
    } else if (holdsRecord(w, t)) {
      straddling = w;
      writes.push({ kind: 'add', startMs: w.startMs, base: w, existing: true });
    } else {
      rightExists = true;
    }
  }
  // The previous record's right window, if missing and the record falls in it, holds the record alone.
  if (previousRecordMs !== undefined) {
    const startMs = previousRecordMs + 1;
    if (!starts.has(startMs) && startMs + d >= t) writes.push({ kind: 'add', startMs, base: undefined, existing: false });
  }
  if (!leftExists) {
    const copyFrom = previousRecordMs !== undefined && previousRecordMs >= t - d ? before : undefined;
    writes.push({ kind: 'add', startMs: t - d, base: copyFrom, existing: false });
  }
  if (!rightExists && straddling !== undefined && straddling.maxTimestampMs > t) writes.push({ kind: 'copy', startMs: t + 1, base: straddling });
  return writes;
}

/** Records before the difference share the window [0, difference] instead of left windows starting below 0. */
function planEarly<A>(windows: readonly SlidingWindowState<A>[], t: number): SlidingWindowWrite<A>[] {
  const writes: SlidingWindowWrite<A>[] = [];
  const starts = new Set<number>();
  let combined: SlidingWindowState<A> | undefined;
  let previousRecordMs: number | undefined;
  let straddling: SlidingWindowState<A> | undefined;
  let rightExists = false;
  for (const w of windows) {
    starts.add(w.startMs);
    if (w.startMs === 0) {
      combined = w;
      if (w.maxTimestampMs < t) previousRecordMs = w.maxTimestampMs;
    } else if (holdsRecord(w, t)) {
      straddling = w;
      writes.push({ kind: 'add', startMs: w.startMs, base: w, existing: true });
    } else {
      rightExists = true;
    }
  }
  // With no other window holding t, the combined window's later records are t's right window.
  const right = straddling ?? (combined !== undefined && combined.maxTimestampMs > t ? combined : undefined);
  if (!rightExists && right !== undefined && right.maxTimestampMs > t) writes.push({ kind: 'copy', startMs: t + 1, base: right });
  if (previousRecordMs !== undefined && !starts.has(previousRecordMs + 1)) writes.push({ kind: 'add', startMs: previousRecordMs + 1, base: undefined, existing: false });
  writes.push({ kind: 'add', startMs: 0, base: combined, existing: combined !== undefined });
  return writes;
}

/**
 * For a window that ends after t (the rest of what was read): whether it
 * holds t (to be updated), else it is t's own right window — the range
 * read holds nothing else.
 */
function holdsRecord(w: { startMs: number }, t: number): boolean {
  if (w.startMs <= t) return true;
  assert(w.startMs === t + 1, `sliding window store holds a window starting at ${w.startMs}, outside the range read for a record at ${t}`);
  return false;
}

/** Store key: key length, key bytes, window start — one key's windows are one range, oldest first. */
const slidingKey = (keyBytes: Buffer, startMs: number): Buffer => prefixedKey(keyBytes, startMs);

function slidingKeyStartMs(raw: Buffer): number {
  return Number(raw.readBigInt64BE(splitKeyPrefix(raw).tailOffset));
}

/** Store value: the window's largest record timestamp (8 bytes), then the aggregate's bytes. */
export function timestampedSerde<A>(inner: Serde<A>): Serde<{ aggregate: A; maxTimestampMs: number }> {
  return {
    serialize: (topic, data) => {
      if (data === null) return null;
      const bytes = inner.serialize(topic, data.aggregate) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(8 + bytes.length);
      out.writeBigInt64BE(BigInt(data.maxTimestampMs), 0);
      bytes.copy(out, 8);
      return out;
    },
    deserialize: (topic, data) => (data === null ? null : { maxTimestampMs: Number(data.readBigInt64BE(0)), aggregate: inner.deserialize(topic, data.subarray(8)) as A }),
  };
}

/**
 * Sliding-window aggregation: reads the key's windows near the record,
 * applies `planSlidingWindowWrites`, and forwards each window it writes —
 * at once when the store is uncached, else once per commit (or cache
 * eviction) with the window's latest value, as Kafka's cache does. A
 * record whose right window would already be closed (t + 1 + difference
 * ≤ stream time − grace) is dropped and counted;
 * closed windows (end < stream time − grace: the end is inclusive) are not
 * updated, and windows that no record can reach any more are deleted.
 */
export function slidingAggregateSupplier<K, V, VA>(
  storeName: string,
  windows: SlidingWindows,
  keySerde: Serde<K>,
  stateSerde: Serde<{ aggregate: VA; maxTimestampMs: number }>,
  step: AggregateStep<K, V, VA>,
  counters: WindowAggregateCounters,
  logger: Logger,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const d = windows.timeDifferenceMs;
  return () => {
    let ctx: ProcessorContext<Windowed<K>, Change<VA>>;
    let store: KeyValueStore<Buffer, { aggregate: VA; maxTimestampMs: number }>;
    let cache: CachingStore | undefined;
    let expiredBeforeMs = 0;
    const write = (r: StreamRecord<K, V>, keyBytes: Buffer, w: SlidingWindowWrite<VA>, closeTimeMs: number): void => {
      if (w.startMs + d < closeTimeMs) return; // closed (the end is inclusive): never changed again
      const old = w.kind === 'add' && w.existing ? w.base : undefined;
      const next =
        w.kind === 'copy'
          ? w.base
          : { aggregate: step(r.key, r.value, w.base?.aggregate), maxTimestampMs: Math.max(r.timestamp, old?.maxTimestampMs ?? r.timestamp) };
      store.put(slidingKey(keyBytes, w.startMs), next);
      // Cached: the flush forwards the window's latest value once per commit instead.
      if (cache !== undefined) return;
      const window = { startMs: w.startMs, endMs: w.startMs + d };
      ctx.forward({ key: { key: r.key, window }, value: { newValue: next.aggregate, oldValue: old?.aggregate ?? null }, timestamp: next.maxTimestampMs, headers: r.headers });
    };
    return {
      init: (c) => {
        ctx = c;
        store = c.getStateStore(storeName);
        const bytes = store instanceof TypedKeyValueStore ? store.bytes : undefined;
        if (bytes instanceof CachingStore) {
          cache = bytes;
          bytes.setFlushListener(
            internal(c).bindToNode((raw: Buffer, nv: Buffer | null, ov: Buffer | null) => {
              if (nv === null) return; // an expired window leaving the store: nothing for downstream
              const { keyBytes } = splitKeyPrefix(raw);
              const startMs = slidingKeyStartMs(raw);
              const next = stateSerde.deserialize(storeName, nv)!;
              const key = { key: keySerde.deserialize(storeName, keyBytes) as K, window: { startMs, endMs: startMs + d } };
              c.forward({ key, value: { newValue: next.aggregate, oldValue: stateSerde.deserialize(storeName, ov)?.aggregate ?? null }, timestamp: next.maxTimestampMs, headers: [] });
            }),
          );
        }
      },
      process: (r) => {
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) return;
        const streamTime = ctx.currentStreamTimeMs();
        const closeTimeMs = streamTime - windows.graceMs;
        if (r.timestamp + 1 + d <= closeTimeMs) {
          counters.droppedLateRecords++;
          logger.debug('dropping a record for closed sliding windows', { store: storeName, timestamp: r.timestamp, streamTime });
          return;
        }
        const keyBytes = serializeKey(keySerde, storeName, r.key);
        const fromMs = r.timestamp < d ? 0 : Math.max(0, r.timestamp - 2 * d);
        const nearby = store
          .range(slidingKey(keyBytes, fromMs), slidingKey(keyBytes, r.timestamp + 2))
          .map(({ key, value }) => ({ startMs: slidingKeyStartMs(key), ...value }));
        for (const w of planSlidingWindowWrites(nearby, r.timestamp, d)) write(r, keyBytes, w, closeTimeMs);
        expire(closeTimeMs);
      },
    };

    /**
     * A record is accepted while t > closeTime − 1 − d and reads windows
     * ending at t − d or later, so windows ending before closeTime − 2d
     * are unreachable. Scans the store's keys (values stay serialized)
     * once per half of what a window is kept (grace + 2d) of stream time,
     * at least once per difference.
     */
    function expire(closeTimeMs: number): void {
      const endBeforeMs = closeTimeMs - 2 * d;
      if (endBeforeMs - expiredBeforeMs < Math.max(d, (windows.graceMs + 2 * d) / 2)) return;
      // Expiring windows' last updates may still sit in the cache: forward them before the deletes drop them.
      cache?.flushCache();
      const bytes = store instanceof TypedKeyValueStore ? store.bytes : undefined;
      const keys = bytes !== undefined ? [...bytes.range()].map(([k]) => k) : store.all().map((kv) => kv.key);
      for (const key of keys) if (slidingKeyStartMs(key) + d < endBeforeMs) store.delete(key);
      expiredBeforeMs = endBeforeMs;
    }
  };
}
