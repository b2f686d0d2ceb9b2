import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import type { KeyValueStore } from '../state/key-value-store';
import { serializeKey, type Serde } from '../serdes';
import type { JoinWindows } from '../windows';

/**
 * Join-store key: key length, key bytes, timestamp, sequence — so one
 * key's records within a time range are one range read. The sequence
 * keeps two records with the same key and timestamp apart.
 */
export function joinStoreKey(keyBytes: Buffer, timestampMs: number, seq: number): Buffer {
  const out = Buffer.allocUnsafe(4 + keyBytes.length + 12);
  out.writeUInt32BE(keyBytes.length, 0);
  keyBytes.copy(out, 4);
  out.writeBigInt64BE(BigInt(Math.max(0, timestampMs)), 4 + keyBytes.length);
  out.writeUInt32BE(seq >>> 0, 12 + keyBytes.length);
  return out;
}

const timestampOf = (raw: Buffer): number => Number(raw.readBigInt64BE(raw.length - 12));
const seqOf = (raw: Buffer): number => raw.readUInt32BE(raw.length - 4);

export interface JoinCounters {
  droppedLateRecords: number;
}

/**
 * One side of a KStream–KStream inner join (Kafka's KStreamKStreamJoin):
 * the record is stored in this side's store, then joined with every
 * record of the other side's store with the same key whose timestamp is
 * within the window. The result's timestamp is the later of the two.
 * Records older than the retention in stream time are dropped and
 * counted; stored records past it are deleted.
 */
export function streamJoinSideSupplier<K, V, O, R>(
  opts: { thisStore: string; otherStore: string; keySerde: Serde<K>; windows: JoinWindows; counters: JoinCounters },
  joiner: (value: V, other: O) => R,
): ProcessorSupplier<K, V, K, R> {
  return () => {
    let ctx: ProcessorContext<K, R>;
    let mine: KeyValueStore<Buffer, V>;
    let theirs: KeyValueStore<Buffer, O>;
    let seq = 0;
    let expiredBeforeMs = 0;
    const { windows } = opts;
    return {
      init: (c) => {
        ctx = c;
        mine = c.getStateStore<KeyValueStore<Buffer, V>>(opts.thisStore);
        theirs = c.getStateStore<KeyValueStore<Buffer, O>>(opts.otherStore);
        // Continue after the largest sequence restored, so a restart never overwrites a stored record.
        for (const { key } of mine.all()) seq = Math.max(seq, seqOf(key) + 1);
      },
      process: (r) => {
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) return;
        const streamTime = ctx.currentStreamTimeMs();
        if (r.timestamp < streamTime - windows.retentionMs) {
          opts.counters.droppedLateRecords++;
          return;
        }
        const keyBytes = serializeKey(opts.keySerde, opts.thisStore, r.key);
        mine.put(joinStoreKey(keyBytes, r.timestamp, seq++), r.value);
        const from = joinStoreKey(keyBytes, r.timestamp - windows.timeDifferenceMs, 0);
        const to = joinStoreKey(keyBytes, r.timestamp + windows.timeDifferenceMs + 1, 0);
        for (const { key, value } of theirs.range(from, to)) {
          ctx.forward({ key: r.key, value: joiner(r.value, value), timestamp: Math.max(r.timestamp, timestampOf(key)), headers: r.headers });
        }
        expire(streamTime);
      },
    };

    /** Deletes both sides' records past retention; scans only once per half retention of stream time. */
    function expire(streamTime: number): void {
      const before = streamTime - windows.retentionMs;
      if (before - expiredBeforeMs < Math.max(1, windows.retentionMs / 2)) return;
      for (const store of [mine, theirs] as KeyValueStore<Buffer, unknown>[]) {
        for (const { key } of store.all()) if (timestampOf(key) < before) store.delete(key);
      }
      expiredBeforeMs = before;
    }
  };
}
