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
 * Left and outer joins (Kafka's KIP-633 behaviour): a record with no
 * partner is not emitted alone at once — a partner may still come within
 * the window — but parked in a shared store, and emitted alone only when
 * its window has closed in stream time without one. So a left join never
 * emits "(v, null)" and then "(v, w)" for the same record.
 */
export interface UnmatchedTracking {
  /** The store both sides park unmatched records in (Buffer keys and values). */
  readonly store: string;
  /** 0 = the join's left (this) stream, 1 = its right. */
  readonly side: 0 | 1;
  /** Whether this side's / the other side's records are emitted alone when unmatched. */
  readonly trackThis: boolean;
  readonly trackOther: boolean;
  /** Serializes this side's value for parking. */
  serializeThis(value: unknown): Buffer;
  /** The output record for a parked record whose window closed unmatched: side and raw value. */
  emitAlone(side: 0 | 1, raw: Buffer): unknown;
}

/** Parked-record key: timestamp first (closing is a prefix range), then side, sequence, key. */
function parkedKey(timestampMs: number, side: 0 | 1, seq: number, keyBytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(17 + keyBytes.length);
  out.writeBigInt64BE(BigInt(Math.max(0, timestampMs)), 0);
  out.writeUInt8(side, 8);
  out.writeUInt32BE(seq >>> 0, 9);
  out.writeUInt32BE(keyBytes.length, 13);
  keyBytes.copy(out, 17);
  return out;
}

function parseParked(raw: Buffer): { timestampMs: number; side: 0 | 1; keyBytes: Buffer } {
  return { timestampMs: Number(raw.readBigInt64BE(0)), side: raw.readUInt8(8) as 0 | 1, keyBytes: raw.subarray(17, 17 + raw.readUInt32BE(13)) };
}

/** Key bytes of a join-store key ([len][key][ts][seq]). */
const joinKeyBytes = (raw: Buffer): Buffer => raw.subarray(4, 4 + raw.readUInt32BE(0));

/**
 * One side of a KStream–KStream inner join (Kafka's KStreamKStreamJoin):
 * the record is stored in this side's store, then joined with every
 * record of the other side's store with the same key whose timestamp is
 * within the window. The result's timestamp is the later of the two.
 * Records older than the retention in stream time are dropped and
 * counted; stored records past it are deleted.
 */
export function streamJoinSideSupplier<K, V, O, R>(
  opts: { thisStore: string; otherStore: string; keySerde: Serde<K>; windows: JoinWindows; counters: JoinCounters; unmatched?: UnmatchedTracking },
  joiner: (value: V, other: O) => R,
): ProcessorSupplier<K, V, K, R> {
  return () => {
    let ctx: ProcessorContext<K, R>;
    let mine: KeyValueStore<Buffer, V>;
    let theirs: KeyValueStore<Buffer, O>;
    let parked: KeyValueStore<Buffer, Buffer> | undefined;
    const unmatched = opts.unmatched;
    let seq = 0;
    let expiredBeforeMs = 0;
    const { windows } = opts;
    return {
      init: (c) => {
        ctx = c;
        mine = c.getStateStore<KeyValueStore<Buffer, V>>(opts.thisStore);
        theirs = c.getStateStore<KeyValueStore<Buffer, O>>(opts.otherStore);
        if (unmatched !== undefined) parked = c.getStateStore<KeyValueStore<Buffer, Buffer>>(unmatched.store);
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
        const mySeq = seq++;
        mine.put(joinStoreKey(keyBytes, r.timestamp, mySeq), r.value);
        const from = joinStoreKey(keyBytes, r.timestamp - windows.timeDifferenceMs, 0);
        const to = joinStoreKey(keyBytes, r.timestamp + windows.timeDifferenceMs + 1, 0);
        const partners = theirs.range(from, to);
        for (const { key, value } of partners) {
          ctx.forward({ key: r.key, value: joiner(r.value, value), timestamp: Math.max(r.timestamp, timestampOf(key)), headers: r.headers });
          // The partner has a match now: it must not be emitted alone when its window closes.
          if (unmatched?.trackOther === true) parked!.delete(parkedKey(timestampOf(key), (1 - unmatched.side) as 0 | 1, seqOf(key), joinKeyBytes(key)));
        }
        if (unmatched !== undefined) {
          if (partners.length === 0 && unmatched.trackThis) parked!.put(parkedKey(r.timestamp, unmatched.side, mySeq, keyBytes), unmatched.serializeThis(r.value));
          emitClosedUnmatched(streamTime);
        }
        expire(streamTime);
      },
    };

    /** Emits alone every parked record whose window closed without a partner (timestamp + difference + grace < stream time). */
    function emitClosedUnmatched(streamTime: number): void {
      const bound = Buffer.alloc(8);
      bound.writeBigInt64BE(BigInt(Math.max(0, streamTime - windows.timeDifferenceMs - windows.graceMs)), 0);
      for (const { key, value } of parked!.range(Buffer.alloc(0), bound)) {
        const p = parseParked(key);
        parked!.delete(key);
        ctx.forward({ key: opts.keySerde.deserialize(opts.thisStore, p.keyBytes) as K, value: unmatched!.emitAlone(p.side, value) as R, timestamp: p.timestampMs, headers: [] });
      }
    }

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
