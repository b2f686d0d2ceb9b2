import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const FILE = '.checkpoint';

/**
 * Per task directory, the changelog offset each persistent store is
 * durable up to (Kafka's .checkpoint file). Written after a commit's
 * LevelDB flush, so on restart the store only replays the changelog's
 * tail instead of all of it — the fix for Kafka's long restorations is
 * to need them less. JSON, written to a temp file and renamed (atomic).
 */
export function readCheckpoint(dir: string): Map<string, bigint> {
  const file = path.join(dir, FILE);
  if (!existsSync(file)) return new Map();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    return new Map(Object.entries(parsed).map(([store, offset]) => [store, BigInt(offset)]));
  } catch {
    // A torn or foreign file: restore from the changelog's start, which is always correct.
    return new Map();
  }
}

export function writeCheckpoint(dir: string, offsets: ReadonlyMap<string, bigint>): void {
  const file = path.join(dir, FILE);
  const body = JSON.stringify(Object.fromEntries([...offsets].map(([k, v]) => [k, v.toString()])));
  writeFileSync(`${file}.tmp`, body);
  renameSync(`${file}.tmp`, file);
}
