import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { readCheckpoint } from './checkpoint';

/**
 * What a streams instance tells its group at every join, as its
 * subscription's userData (Kafka Streams' SubscriptionInfo, as JSON):
 * - `subtopologies`: each sub-topology's source topics and changelog
 *   topics, so that a reader of the group (the leader, `gregor streams
 *   describe`) can turn a member's partitions back into tasks;
 * - `taskOffsetSums`: per task whose state this instance holds — a
 *   checkpointed task directory, a standby, a running active task — the
 *   sum of the changelog offsets its stores hold ("active" for a running
 *   task: fully caught up). The leader places free tasks where their state
 *   is warmest (Kafka's task offset sums, KIP-441);
 * - `applicationServer`: where the instance answers interactive queries,
 *   so that any instance can route a key to the one holding it.
 */
export interface MemberInfo {
  readonly version: 1;
  readonly subtopologies: Readonly<Record<string, { readonly sources: readonly string[]; readonly changelogs: readonly string[] }>>;
  readonly taskOffsetSums: Readonly<Record<string, string>>;
  /** Per running task, the changelog offset sum it has written up to: what a warm-up's sum is compared with (KIP-441's lag). */
  readonly activeOffsetSums?: Readonly<Record<string, string>>;
  /** `host:port` where the instance answers interactive queries (Kafka's application.server), when configured. */
  readonly applicationServer?: string;
}

/** A running active task's offset sum: above any number. */
export const ACTIVE_TASK = 'active';

/** Bounds the userData a member sends (JSON): past it, offset sums are left out (placement only loses a preference). */
const MAX_TASK_ENTRIES = 10_000;

export function encodeMemberInfo(info: MemberInfo): Buffer {
  const entries = Object.entries(info.taskOffsetSums).slice(0, MAX_TASK_ENTRIES);
  return Buffer.from(JSON.stringify({ ...info, taskOffsetSums: Object.fromEntries(entries) }), 'utf8');
}

/** Undefined for anything that is not a member info of a known version (another client's userData, garbage). */
export function decodeMemberInfo(bytes: Buffer | null | undefined): MemberInfo | undefined {
  if (bytes === null || bytes === undefined || bytes.length === 0) return undefined;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Partial<MemberInfo>;
    if (parsed.version !== 1 || typeof parsed.subtopologies !== 'object' || typeof parsed.taskOffsetSums !== 'object') return undefined;
    return parsed as MemberInfo;
  } catch {
    return undefined;
  }
}

/**
 * How warm a member's state for a task is, comparable between members
 * (higher = more of the changelog applied): -1 without state, the offset
 * sum, or MAX_SAFE_INTEGER for a running active task (finite, so that
 * differences of warmth stay numbers).
 */
export function taskWarmth(info: MemberInfo | undefined, taskId: string): number {
  const v = info?.taskOffsetSums[taskId];
  if (v === undefined) return -1;
  if (v === ACTIVE_TASK) return Number.MAX_SAFE_INTEGER;
  const n = Number(v);
  return Number.isFinite(n) ? n : -1;
}

/**
 * Offset sums of the task directories under `appDir` that have a
 * checkpoint (what survives a restart on this machine); `global` is the
 * global stores' directory, not a task.
 */
export function checkpointedTaskOffsetSums(appDir: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let names: string[];
  try {
    names = readdirSync(appDir);
  } catch {
    return out; // no state directory yet
  }
  for (const name of names) {
    if (!/^\d+_\d+$/.test(name)) continue;
    const checkpoint = readCheckpoint(path.join(appDir, name));
    if (checkpoint.size === 0) continue;
    out.set(name, [...checkpoint.values()].reduce((a, b) => a + b, 0n));
  }
  return out;
}
