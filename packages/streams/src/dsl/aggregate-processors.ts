import { GregorError, type Logger } from '@gregor/common';
import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import { internal } from '../processor/internal-context';
import type { Change } from '../record';
import { serializeKey, type Serde } from '../serdes';
import { CachingStore } from '../state/caching-store';
import type { KeyValueStore } from '../state/key-value-store';
import { splitWindowStoreKey, TypedWindowStore, windowStoreKey, type WindowStore } from '../state/window-store';
import type { TimeWindows, Windowed } from '../windows';
import { forwardingPut } from './table-processors';

/** One step of an aggregation: the aggregate so far (undefined for a new key) and a value → the new aggregate. */
export type AggregateStep<K, V, VA> = (key: K, value: V, aggregate: VA | undefined) => VA;

/**
 * count / reduce / aggregate of a grouped stream into a KeyValueStore,
 * forwarding each change as a KTable update. Records with a null key or
 * value are skipped, as in Kafka.
 */
export function streamAggregateSupplier<K, V, VA>(storeName: string, keySerde: Serde<K>, aggSerde: Serde<VA>, step: AggregateStep<K, V, VA>): ProcessorSupplier<K, V, K, Change<VA>> {
  return () => {
    let store: KeyValueStore<K, VA>;
    let put: ReturnType<typeof forwardingPut<K, VA>>;
    return {
      init: (ctx) => {
        store = ctx.getStateStore<KeyValueStore<K, VA>>(storeName);
        put = forwardingPut(ctx, store, keySerde, aggSerde);
      },
      process: (r) => {
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) return;
        const old = store.get(r.key);
        put(r, step(r.key, r.value, old), old ?? null);
      },
    };
  };
}

export interface WindowAggregateCounters {
  droppedLateRecords: number;
}

/**
 * Windowed aggregation: each record updates every window that contains
 * its timestamp and is still open (stream time < end + grace). A record
 * for closed windows only is dropped and counted (Kafka's
 * dropped-records metric). Windows are deleted from the store once closed.
 */
export function windowAggregateSupplier<K, V, VA>(
  storeName: string,
  windows: TimeWindows,
  keySerde: Serde<K>,
  aggSerde: Serde<VA>,
  step: AggregateStep<K, V, VA>,
  counters: WindowAggregateCounters,
  logger: Logger,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  return () => {
    let ctx: ProcessorContext<Windowed<K>, Change<VA>>;
    let store: WindowStore<K, VA>;
    let cache: CachingStore | undefined;
    /** Windows starting before this were deleted; purge again once the bound passes another window start. */
    let purgedBeforeMs = 0;
    return {
      init: (c) => {
        ctx = c;
        store = c.getStateStore<WindowStore<K, VA>>(storeName);
        const bytes = store instanceof TypedWindowStore ? store.bytes : undefined;
        if (bytes instanceof CachingStore) {
          cache = bytes;
          bytes.setFlushListener(
            internal(c).bindToNode((raw: Buffer, nv: Buffer | null, ov: Buffer | null, timestamp: number) => {
              const { keyBytes, windowStartMs } = splitWindowStoreKey(raw);
              const key = { key: keySerde.deserialize(storeName, keyBytes) as K, window: { startMs: windowStartMs, endMs: windowStartMs + windows.sizeMs } };
              c.forward({ key, value: { newValue: aggSerde.deserialize(storeName, nv), oldValue: aggSerde.deserialize(storeName, ov) }, timestamp, headers: [] });
            }),
          );
        }
      },
      process: (r) => {
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) return;
        const streamTime = ctx.currentStreamTimeMs();
        let updated = 0;
        for (const w of windows.windowsFor(r.timestamp)) {
          if (windows.isClosed(w, streamTime)) continue;
          const old = store.fetch(r.key, w.startMs);
          const next = step(r.key, r.value, old);
          store.put(r.key, next, w.startMs);
          updated++;
          if (cache === undefined) ctx.forward({ key: { key: r.key, window: w }, value: { newValue: next, oldValue: old ?? null }, timestamp: r.timestamp, headers: r.headers });
        }
        if (updated === 0) {
          counters.droppedLateRecords++;
          logger.debug('dropping a record for closed windows', { store: storeName, timestamp: r.timestamp, streamTime });
        }
        // Closed windows can go (start + size + grace <= stream time); scan only when a window start was crossed.
        const purgeBefore = streamTime - windows.sizeMs - windows.graceMs + 1;
        const nextStart = Math.ceil(purgedBeforeMs / windows.advanceMs) * windows.advanceMs;
        if (purgeBefore > nextStart) {
          // Closing windows' last updates may still sit in the cache: forward them before the purge deletes them.
          cache?.flushCache();
          store.deleteBefore(purgeBefore);
          purgedBeforeMs = purgeBefore;
        }
      },
    };
  };
}

/** Buffer key: window end, window start, key bytes — so "every window that has closed" is a prefix range. */
function bufferKey(keyBytes: Buffer, w: { startMs: number; endMs: number }): Buffer {
  return Buffer.concat([windowStoreKey(Buffer.alloc(0), w.endMs), windowStoreKey(keyBytes, w.startMs)]);
}

/** Buffer value: the last update's timestamp, then the value bytes. */
function bufferValue(timestamp: number, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + value.length);
  out.writeBigInt64BE(BigInt(timestamp), 0);
  value.copy(out, 8);
  return out;
}

/**
 * suppress(untilWindowCloses): holds the latest update of each window in
 * a changelogged buffer and emits it once, when stream time passes the
 * window's end plus grace — one final result per window, which is what a
 * dashboard or an alert wants. The buffer is bounded by `maxRecords`; at
 * the bound Kafka's default is to shut down (a silent early emit would
 * break "final"), and so do we, with a clear error.
 */
export function suppressSupplier<K, V>(bufferStore: string, graceMs: number, keySerde: Serde<K>, valueSerde: Serde<V>, maxRecords: number): ProcessorSupplier<Windowed<K>, Change<V>, Windowed<K>, Change<V>> {
  return () => {
    let ctx: ProcessorContext<Windowed<K>, Change<V>>;
    let buffer: KeyValueStore<Buffer, Buffer>;
    /** The smallest window end in the buffer (Infinity when empty): skips the scan when nothing can be due. */
    let minEndMs = Infinity;
    /**
     * The largest timestamp among the updates this processor received
     * (Kafka's observed stream time), not the task's: an upstream cache
     * may still hold a window's later updates, flushed after updates
     * with later timestamps, so the task's stream time would close the
     * window too early and emit it twice.
     */
    let observedMs = -1;
    const emitClosed = (): void => {
      const closedUpTo = observedMs - graceMs;
      if (closedUpTo < minEndMs) return;
      minEndMs = Infinity;
      for (const { key: raw, value } of buffer.all()) {
        const endMs = Number(raw.readBigInt64BE(0));
        if (endMs > closedUpTo) {
          minEndMs = endMs;
          break;
        }
        const startMs = Number(raw.readBigInt64BE(8));
        const key = keySerde.deserialize(bufferStore, raw.subarray(16)) as K;
        buffer.delete(raw);
        ctx.forward({
          key: { key, window: { startMs, endMs } },
          value: { newValue: valueSerde.deserialize(bufferStore, value.subarray(8)), oldValue: null },
          timestamp: Number(value.readBigInt64BE(0)),
          headers: [],
        });
      }
    };
    return {
      init: (c) => {
        ctx = c;
        buffer = c.getStateStore<KeyValueStore<Buffer, Buffer>>(bufferStore);
        const first = buffer.all()[0];
        if (first !== undefined) minEndMs = Number(first.key.readBigInt64BE(0));
      },
      process: (r) => {
        observedMs = Math.max(observedMs, r.timestamp);
        const k = bufferKey(serializeKey(keySerde, bufferStore, r.key.key), r.key.window);
        const v = valueSerde.serialize(bufferStore, r.value.newValue);
        if (v === null) buffer.delete(k);
        else {
          if (buffer.get(k) === undefined && buffer.approximateNumEntries() >= maxRecords) {
            throw new GregorError('INVALID_CONFIG', `suppress buffer "${bufferStore}" is full (${maxRecords} records): raise maxRecords or shorten the window's grace`);
          }
          buffer.put(k, bufferValue(r.timestamp, v));
          minEndMs = Math.min(minEndMs, r.key.window.endMs);
        }
        emitClosed();
      },
    };
  };
}
