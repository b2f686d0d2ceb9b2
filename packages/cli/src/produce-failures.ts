import { isGregorError, toGregorError } from '@gregor/common';

/** One record that was not acknowledged: the cause (Kafka's error name), its message, and its partition when known. */
export interface SendFailure {
  name: string;
  text: string;
  partition: number | undefined;
}

/**
 * What a failed send is reported as. A record that timed out while the
 * broker kept refusing it (NOT_ENOUGH_REPLICAS, LEADER_NOT_AVAILABLE…) is
 * named by that refusal: "REQUEST_TIMED_OUT" alone hides what to fix.
 */
export function sendFailure(err: unknown): SendFailure {
  const e = toGregorError(err);
  const partition = typeof e.context.partition === 'number' ? e.context.partition : undefined;
  const cause = e.cause;
  if (e.errorName === 'REQUEST_TIMED_OUT' && isGregorError(cause) && cause.errorName !== 'REQUEST_TIMED_OUT') {
    return { name: cause.errorName, text: `${cause.message} (gave up: ${e.message.replace(/^[A-Z_]+: /, '')})`, partition };
  }
  return { name: e.errorName, text: e.message, partition };
}

/** The failures of one cause: how many records, on which partitions, and the first message. */
export interface FailureGroup {
  error: string;
  records: number;
  /** Ascending; empty when the failures named no partition. */
  partitions: number[];
  message: string;
}

/**
 * Failed sends counted by cause and partition, in constant space per
 * (cause, partition) pair however many records fail. A record that
 * expired without any broker refusal (REQUEST_TIMED_OUT alone) on a
 * partition that has no leader never left the producer: it is reported as
 * LEADER_NOT_AVAILABLE, the reason, rather than as the timeout.
 */
export class FailureTally {
  private readonly groups = new Map<string, { message: string; records: number; partitions: Set<number> }>();
  private total = 0;

  add(f: SendFailure): void {
    this.total++;
    let g = this.groups.get(f.name);
    if (g === undefined) {
      g = { message: f.text, records: 0, partitions: new Set() };
      this.groups.set(f.name, g);
    }
    g.records++;
    if (f.partition !== undefined) g.partitions.add(f.partition);
  }

  get count(): number {
    return this.total;
  }

  /** Partitions whose only complaint is a timeout: the ones worth asking "has it a leader?". */
  timedOutPartitions(): number[] {
    return [...(this.groups.get('REQUEST_TIMED_OUT')?.partitions ?? [])].sort((a, b) => a - b);
  }

  /**
   * The groups, largest first. Timeouts on partitions in `leaderless` are
   * moved to LEADER_NOT_AVAILABLE. A timeout's records cannot be split by
   * partition (only a count is kept), so the move happens when every
   * timed-out partition is leaderless, the usual case (a partition without
   * a leader fails all its records the same way).
   */
  summary(topic: string, leaderless: ReadonlySet<number> = new Set()): FailureGroup[] {
    const groups = new Map([...this.groups].map(([name, g]) => [name, { ...g, partitions: new Set(g.partitions) }]));
    const timedOut = groups.get('REQUEST_TIMED_OUT');
    if (timedOut !== undefined && timedOut.partitions.size > 0 && [...timedOut.partitions].every((p) => leaderless.has(p))) {
      groups.delete('REQUEST_TIMED_OUT');
      const names = [...timedOut.partitions].sort((a, b) => a - b).map((p) => `${topic}-${p}`);
      const existing = groups.get('LEADER_NOT_AVAILABLE');
      const message = `LEADER_NOT_AVAILABLE: no leader for ${names.join(', ')} (all of its replicas are down or fenced), so the records were never sent (${timedOut.message.replace(/^[A-Z_]+: /, '')})`;
      groups.set('LEADER_NOT_AVAILABLE', {
        message: existing?.message ?? message,
        records: timedOut.records + (existing?.records ?? 0),
        partitions: new Set([...timedOut.partitions, ...(existing?.partitions ?? [])]),
      });
    }
    return [...groups]
      .map(([error, g]) => ({ error, records: g.records, partitions: [...g.partitions].sort((a, b) => a - b), message: g.message }))
      .sort((a, b) => b.records - a.records || (a.error < b.error ? -1 : 1));
  }
}

/**
 * The report on stderr: the leading cause's message first (Kafka's error
 * name first, as every CLI error), then the tally — how many of the
 * records read failed, by cause and partition.
 */
export function formatFailures(topic: string, read: number, acked: number, groups: readonly FailureGroup[]): string[] {
  const failed = groups.reduce((n, g) => n + g.records, 0);
  const lines = [groups[0]?.message ?? 'UNKNOWN_SERVER_ERROR: a record failed', `Produced ${acked} of ${read} record(s) to ${topic}; ${failed} failed:`];
  for (const g of groups) {
    const where = g.partitions.length === 0 ? topic : g.partitions.map((p) => `${topic}-${p}`).join(', ');
    lines.push(`  ${g.error}: ${g.records} record(s) to ${where}`);
  }
  return lines;
}
