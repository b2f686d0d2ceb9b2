import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import type { Change } from '../record';
import { serializeKey, type Serde } from '../serdes';
import { keyPrefixRange, prefixedKey, splitKeyPrefix } from '../state/key-prefix';
import type { KeyValueStore } from '../state/key-value-store';
import type { SessionWindows, Windowed } from '../windows';
import type { WindowAggregateCounters } from './aggregate-processors';

/** Session-store key: key length, key bytes, session end, session start — one key's sessions are one range. */
export function sessionKey(keyBytes: Buffer, startMs: number, endMs: number): Buffer {
  return prefixedKey(keyBytes, endMs, startMs);
}

function parseSessionKey(raw: Buffer): { keyBytes: Buffer; startMs: number; endMs: number } {
  const { keyBytes, tailOffset } = splitKeyPrefix(raw);
  return { keyBytes, endMs: Number(raw.readBigInt64BE(tailOffset)), startMs: Number(raw.readBigInt64BE(tailOffset + 8)) };
}

export interface SessionAggregateSteps<K, V, VA> {
  initializer(): VA;
  aggregator(key: K, value: V, aggregate: VA): VA;
  merger(key: K, left: VA, right: VA): VA;
}

/**
 * Session-windowed aggregation (Kafka's KStreamSessionWindowAggregate): a
 * record finds its key's sessions within the gap, merges them with itself
 * into one session, removes the merged ones (forwarding a removal for
 * each) and stores and forwards the new one. A record whose session would
 * already be closed (end + gap + grace ≤ stream time) is dropped and
 * counted; closed sessions are deleted.
 */
export function sessionAggregateSupplier<K, V, VA>(
  storeName: string,
  windows: SessionWindows,
  keySerde: Serde<K>,
  steps: SessionAggregateSteps<K, V, VA>,
  counters: WindowAggregateCounters,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  return () => {
    let ctx: ProcessorContext<Windowed<K>, Change<VA>>;
    let store: KeyValueStore<Buffer, VA>;
    let expiredBeforeMs = 0;
    const retentionMs = windows.gapMs + windows.graceMs;
    return {
      init: (c) => {
        ctx = c;
        store = c.getStateStore<KeyValueStore<Buffer, VA>>(storeName);
      },
      process: (r) => {
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) return;
        const streamTime = ctx.currentStreamTimeMs();
        const keyBytes = serializeKey(keySerde, storeName, r.key);
        const [from, to] = keyPrefixRange(keyBytes, 16);
        const overlapping = store.range(from, to).filter(({ key }) => {
          const s = parseSessionKey(key);
          return s.endMs >= r.timestamp - windows.gapMs && s.startMs <= r.timestamp + windows.gapMs;
        });
        let startMs = r.timestamp;
        let endMs = r.timestamp;
        for (const { key } of overlapping) {
          const s = parseSessionKey(key);
          startMs = Math.min(startMs, s.startMs);
          endMs = Math.max(endMs, s.endMs);
        }
        if (endMs + retentionMs <= streamTime) {
          counters.droppedLateRecords++;
          return;
        }
        let agg = steps.initializer();
        for (const { key, value } of overlapping) {
          agg = steps.merger(r.key, agg, value);
          const s = parseSessionKey(key);
          store.delete(key);
          ctx.forward({ key: { key: r.key, window: { startMs: s.startMs, endMs: s.endMs } }, value: { newValue: null, oldValue: value }, timestamp: r.timestamp, headers: r.headers });
        }
        agg = steps.aggregator(r.key, r.value, agg);
        store.put(sessionKey(keyBytes, startMs, endMs), agg);
        ctx.forward({ key: { key: r.key, window: { startMs, endMs } }, value: { newValue: agg, oldValue: null }, timestamp: r.timestamp, headers: r.headers });
        expire(streamTime);
      },
    };

    /** Deletes closed sessions; scans the store once per half retention of stream time. */
    function expire(streamTime: number): void {
      const before = streamTime - retentionMs;
      if (before - expiredBeforeMs < Math.max(1, retentionMs / 2)) return;
      for (const { key } of store.all()) if (parseSessionKey(key).endMs < before) store.delete(key);
      expiredBeforeMs = before;
    }
  };
}
