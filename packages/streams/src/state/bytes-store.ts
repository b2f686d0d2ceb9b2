/**
 * The byte-level store every typed store sits on. Layers stack the way
 * Kafka's do — typed facade → cache → changelogging → inner (memory or
 * LevelDB) — and each layer is a BytesStore over the next one.
 *
 * Reads and writes are synchronous because processors are (Kafka's
 * `process` returns nothing and reads its store in line); durable work
 * (LevelDB batches) happens in `flush`, which the task calls at commit.
 */
export interface BytesStore {
  readonly name: string;
  readonly persistent: boolean;
  get(key: Buffer): Buffer | undefined;
  put(key: Buffer, value: Buffer): void;
  delete(key: Buffer): void;
  /** Entries with from ≤ key < to (both optional), in bytewise key order. */
  range(from?: Buffer, to?: Buffer): Iterable<[Buffer, Buffer]>;
  size(): number;
  /** Makes written entries durable (a LevelDB batch); in-memory stores have nothing to do. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keys as latin1 strings: one char per byte, and JavaScript compares
 * strings by code unit, so string order is bytewise order.
 */
export const keyString = (key: Buffer): string => key.toString('latin1');
export const keyBytes = (key: string): Buffer => Buffer.from(key, 'latin1');

/** Whether `key` lies in [from, to), either bound optional; on latin1 strings. */
export function inRange(key: string, from: string | undefined, to: string | undefined): boolean {
  return (from === undefined || key >= from) && (to === undefined || key < to);
}

/**
 * A changelog-style update (the latest value per key; null deletes; null
 * keys are ignored), as restoration and global stores apply them.
 */
export function applyChangelogRecord(store: BytesStore, key: Buffer | null, value: Buffer | null): void {
  if (key === null) return;
  if (value === null) store.delete(key);
  else store.put(key, value);
}
