import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { JsonMap } from '../api/connector';

/**
 * Source offsets: per connector, source partition → source offset (both JSON
 * maps, as in Kafka). Keys are the canonical JSON of `[connector, partition]`
 * (Kafka's connect-offsets key format), so a distributed store can use them as
 * record keys of a compacted topic unchanged.
 */
export interface OffsetStore {
  get(connector: string, partition: JsonMap): JsonMap | null;
  all(connector: string): { partition: JsonMap; offset: JsonMap }[];
  /** Records offsets (null deletes); durable once the returned promise settles. */
  set(connector: string, entries: readonly { partition: JsonMap; offset: JsonMap | null }[]): Promise<void>;
  /**
   * A store kept in a topic (distributed mode) can have offsets written in a
   * source task's own transaction (exactly-once source): the records to send
   * in it, and `committed` to call once the transaction committed.
   */
  readonly transactional?: {
    records(connector: string, entries: readonly OffsetEntry[]): { topic: string; messages: { key: string; value: string | null }[] };
    committed(connector: string, entries: readonly OffsetEntry[]): void;
    /**
     * Reads the offsets topic to its last stable offset. A source task calls
     * it after its producer's initTransactions: a predecessor's transaction
     * that was committing when it died is complete only then, and offsets
     * read before it would resend what that transaction wrote (KIP-618).
     */
    catchUp(): Promise<void>;
  };
}

export interface OffsetEntry {
  partition: JsonMap;
  offset: JsonMap | null;
}

export function offsetKey(connector: string, partition: JsonMap): string {
  return canonicalJson([connector, partition]);
}

/** JSON with object keys sorted, so equal maps give equal keys (bigint as its digits). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

export class MemoryOffsetStore implements OffsetStore {
  protected readonly entries = new Map<string, { connector: string; partition: JsonMap; offset: JsonMap }>();

  get(connector: string, partition: JsonMap): JsonMap | null {
    return this.entries.get(offsetKey(connector, partition))?.offset ?? null;
  }

  all(connector: string): { partition: JsonMap; offset: JsonMap }[] {
    return [...this.entries.values()].filter((e) => e.connector === connector).map(({ partition, offset }) => ({ partition, offset }));
  }

  set(connector: string, entries: readonly { partition: JsonMap; offset: JsonMap | null }[]): Promise<void> {
    this.apply(connector, entries);
    return Promise.resolve();
  }

  protected apply(connector: string, entries: readonly { partition: JsonMap; offset: JsonMap | null }[]): void {
    for (const { partition, offset } of entries) {
      const key = offsetKey(connector, partition);
      if (offset === null) this.entries.delete(key);
      else this.entries.set(key, { connector, partition, offset });
    }
  }
}

/**
 * Standalone mode's store (`offset.storage.file.filename`): the whole map as
 * one JSON file, replaced atomically (write a temp file, then rename) on
 * every set, so a crash leaves the old or the new file, never half of one.
 */
export class FileOffsetStore extends MemoryOffsetStore {
  constructor(private readonly file: string) {
    super();
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined && text.trim() !== '') {
      const doc = JSON.parse(text) as { connector: string; partition: JsonMap; offset: JsonMap }[];
      for (const e of doc) this.apply(e.connector, [{ partition: e.partition, offset: e.offset }]);
    }
  }

  override set(connector: string, entries: readonly { partition: JsonMap; offset: JsonMap | null }[]): Promise<void> {
    this.apply(connector, entries);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.entries.values()]));
    renameSync(tmp, this.file);
    return Promise.resolve();
  }
}
