import type { BytesStore } from './bytes-store';

/** Where a changelogging store sends its writes: the task's record collector, partition fixed to the task's. */
export type ChangelogWriter = (key: Buffer, value: Buffer | null) => void;

/**
 * Sends every write to the store's changelog topic before applying it, so
 * that the changelog alone can rebuild the store (a delete is a tombstone,
 * which compaction keeps until it has removed the key's older values).
 */
export class ChangeLoggingStore implements BytesStore {
  constructor(
    private readonly inner: BytesStore,
    private readonly log: ChangelogWriter,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer): void {
    this.inner.put(key, value);
    this.log(key, value);
  }

  delete(key: Buffer): void {
    this.inner.delete(key);
    this.log(key, null);
  }

  range(from?: Buffer, to?: Buffer): Iterable<[Buffer, Buffer]> {
    return this.inner.range(from, to);
  }

  size(): number {
    return this.inner.size();
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
