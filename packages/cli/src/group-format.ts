import { tpKey, type TopicPartition } from '@gregor/common';
import type { CommittedOffset, GroupDescription, GroupListing, TopicDescription } from '@gregor/client';

/** One partition of `group describe`: Kafka's kafka-consumer-groups --describe columns. */
export interface GroupPartitionRow {
  topic: string;
  partition: number;
  /** null when the group has no committed offset for it ("-" in Kafka's tool). */
  committedOffset: bigint | null;
  logEndOffset: bigint | null;
  /** logEndOffset - committedOffset; null when either is unknown. */
  lag: bigint | null;
  memberId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface GroupView {
  group: string;
  state: string;
  assignor: string;
  coordinator: number;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; host: string; partitions: TopicPartition[] }[];
  partitions: GroupPartitionRow[];
  /** Sum of the known lags. */
  totalLag: bigint;
  /** Partitions whose log end offset could not be had, and why ("orders-1: no leader"): their LAG is "-", not counted. */
  logEndUnknown: string[];
}

/** Which partitions to ask for their log end offset, and which cannot answer now (and why). */
export interface LogEndPlan {
  ask: TopicPartition[];
  unknown: { topic: string; partition: number; why: string }[];
}

/**
 * Partitions of existing topics with a leader are asked for their log end;
 * one without a leader cannot answer (ListOffsets would retry until the
 * deadline and fail the whole describe), so it is shown with "-" and named
 * (Kafka's tool does the same). Partitions of deleted topics are neither:
 * they have no log (pure).
 */
export function logEndPlan(partitions: readonly TopicPartition[], topics: readonly TopicDescription[]): LogEndPlan {
  const leaders = new Map<string, number | null>();
  for (const t of topics) for (const p of t.partitions) leaders.set(tpKey(t.name, p.partition), p.leader);
  const plan: LogEndPlan = { ask: [], unknown: [] };
  for (const tp of partitions) {
    const key = tpKey(tp.topic, tp.partition);
    if (!leaders.has(key)) continue;
    if (leaders.get(key) === null) plan.unknown.push({ ...tp, why: 'no leader' });
    else plan.ask.push(tp);
  }
  return plan;
}

/**
 * Joins the group's description (who owns what), its committed offsets and
 * each partition's log end offset into rows — every partition that is
 * assigned or has a committed offset — and the total lag (pure).
 */
export function groupView(
  d: GroupDescription,
  committed: readonly CommittedOffset[],
  logEnds: ReadonlyMap<string, bigint>,
  logEndUnknown: LogEndPlan['unknown'] = [],
): GroupView {
  const owner = new Map<string, GroupDescription['members'][number]>();
  for (const m of d.members) for (const tp of m.assignment) owner.set(tpKey(tp.topic, tp.partition), m);
  const rows = new Map<string, GroupPartitionRow>();
  const row = (topic: string, partition: number): GroupPartitionRow => {
    const key = tpKey(topic, partition);
    let r = rows.get(key);
    if (r === undefined) {
      const m = owner.get(key);
      r = { topic, partition, committedOffset: null, logEndOffset: logEnds.get(key) ?? null, lag: null, memberId: m?.memberId ?? null, host: m?.clientHost ?? null, clientId: m?.clientId ?? null };
      rows.set(key, r);
    }
    return r;
  };
  for (const c of committed) if (c.offset >= 0n) row(c.topic, c.partition).committedOffset = c.offset;
  for (const key of owner.keys()) {
    const m = owner.get(key)!;
    const tp = m.assignment.find((x) => tpKey(x.topic, x.partition) === key)!;
    row(tp.topic, tp.partition);
  }
  let totalLag = 0n;
  for (const r of rows.values()) {
    if (r.committedOffset !== null && r.logEndOffset !== null) {
      // A committed offset past the end (records deleted and the log restarted) is no lag.
      r.lag = r.logEndOffset > r.committedOffset ? r.logEndOffset - r.committedOffset : 0n;
      totalLag += r.lag;
    }
  }
  const partitions = [...rows.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return {
    group: d.groupId,
    state: d.state,
    assignor: d.assignor,
    coordinator: d.coordinator,
    members: d.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, host: m.clientHost, partitions: m.assignment })),
    partitions,
    totalLag,
    logEndUnknown: logEndUnknown.map((u) => `${tpKey(u.topic, u.partition)}: ${u.why}`),
  };
}

/** Columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

const dash = (v: bigint | string | null): string => (v === null ? '-' : String(v));

export function formatGroupView(v: GroupView): string[] {
  const head = `Group ${v.group}: state ${v.state}${v.assignor !== '' ? `, assignor ${v.assignor}` : ''}, coordinator ${v.coordinator}, ${v.members.length} member(s)`;
  const lines = [head];
  if (v.members.length === 0) lines.push(`Consumer group '${v.group}' has no active members.`);
  else {
    // Every member, with or without partitions (Kafka's --members view):
    // an idle member is as much a process to find as a busy one.
    lines.push('');
    lines.push(
      ...table(
        ['CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'],
        v.members.map((m) => [m.memberId, dash(m.groupInstanceId), m.host, m.clientId, String(m.partitions.length)]),
      ),
    );
  }
  if (v.partitions.length > 0) {
    lines.push('');
    lines.push(
      ...table(
        ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
        v.partitions.map((r) => [r.topic, String(r.partition), dash(r.committedOffset), dash(r.logEndOffset), dash(r.lag), dash(r.memberId), dash(r.host), dash(r.clientId)]),
      ),
    );
  }
  const idle = v.members.filter((m) => m.partitions.length === 0).length;
  if (v.state === 'Stable' && idle > 0) lines.push('', `${idle} member(s) without partitions.`);
  const unknown = v.logEndUnknown.length === 0 ? '' : ` (not counting ${v.logEndUnknown.length} partition(s) whose log end is unknown: ${v.logEndUnknown.join(', ')})`;
  lines.push('', `Total lag: ${v.totalLag}${unknown}`);
  return lines;
}

export function groupViewJson(v: GroupView): unknown {
  return v;
}

export function formatGroupList(groups: readonly GroupListing[]): string[] {
  if (groups.length === 0) return [];
  return table(
    ['GROUP', 'STATE', 'PROTOCOL-TYPE'],
    groups.map((g) => [g.groupId, g.state, g.protocolType === '' ? '-' : g.protocolType]),
  );
}

/** Where reset-offsets moves each partition. */
export type ResetSpec = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: bigint } | { kind: 'datetime'; timestampMs: bigint };

/**
 * The new offset of one partition (pure). An explicit offset outside the
 * log is clamped to it, as Kafka's tool does; a time after the last record
 * means the end.
 */
export function resetTarget(spec: ResetSpec, earliest: bigint, latest: bigint, atTimestamp?: bigint): bigint {
  switch (spec.kind) {
    case 'earliest':
      return earliest;
    case 'latest':
      return latest;
    case 'offset':
      return spec.offset < earliest ? earliest : spec.offset > latest ? latest : spec.offset;
    case 'datetime':
      return atTimestamp === undefined || atTimestamp < 0n ? latest : atTimestamp;
  }
}
