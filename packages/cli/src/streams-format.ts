import type { GroupDescription } from '@gregor/client';
import { changelogStoreName, decodeMemberInfo, memberTasks, type MemberInfo } from '@gregor/streams';
import { table, type GroupView } from './group-format';

/** One sub-topology as its instances report it: what it reads, its stores and their changelogs. */
export interface SubtopologyView {
  id: string;
  sources: string[];
  stores: { store: string; changelog: string }[];
}

export interface StreamsMemberView {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  /** "<sub-topology>_<partition>", sorted. */
  activeTasks: string[];
  standbyTasks: string[];
}

export interface StreamsView {
  applicationId: string;
  state: string;
  coordinator: number;
  /** Empty when no instance runs (the topology is known from running instances only). */
  subtopologies: SubtopologyView[];
  members: StreamsMemberView[];
  /** Input and repartition partitions: the task that reads each, committed offset, log end, lag. */
  inputs: { task: string | null; topic: string; partition: number; committedOffset: bigint | null; logEndOffset: bigint | null; lag: bigint | null; memberId: string | null }[];
  totalLag: bigint;
  logEndUnknown: string[];
}

const taskOrder = (a: string, b: string): number => {
  const [sa, pa] = a.split('_').map(Number);
  const [sb, pb] = b.split('_').map(Number);
  return sa! - sb! || pa! - pb!;
};

/**
 * A streams application's group seen as tasks (pure): each member's
 * subscription userData (the instance's MemberInfo) says which topics
 * every sub-topology reads and which changelogs back its stores, so a
 * member's partitions become its active tasks (source partitions) and
 * standby tasks (changelog partitions); the group's offsets and log ends
 * become the lag per input partition, with the task that reads it.
 */
export function streamsView(applicationId: string, d: GroupDescription, group: GroupView): StreamsView {
  const infos = d.members.map((m) => decodeMemberInfo(m.subscriptionUserData)).filter((i): i is MemberInfo => i !== undefined);
  const subs = new Map<string, SubtopologyView>();
  for (const info of infos) {
    for (const [id, s] of Object.entries(info.subtopologies)) {
      if (subs.has(id)) continue;
      const stores = s.changelogs.map((changelog) => ({ store: changelogStoreName(applicationId, changelog) ?? changelog, changelog }));
      subs.set(id, { id, sources: [...s.sources], stores });
    }
  }
  const sourceSub = new Map<string, string>();
  const changelogSub = new Map<string, string>();
  for (const s of subs.values()) {
    for (const t of s.sources) sourceSub.set(t, s.id);
    for (const c of s.stores) changelogSub.set(c.changelog, s.id);
  }
  const topology = Object.fromEntries([...subs.values()].map((v) => [v.id, { sources: v.sources, changelogs: v.stores.map((c) => c.changelog) }]));
  const members = d.members.map((m) => {
    const { active, standby } = memberTasks(topology, m.assignment);
    return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, host: m.clientHost, activeTasks: active.sort(taskOrder), standbyTasks: standby.sort(taskOrder) };
  });
  // Changelog partitions assigned to standbys carry no committed offset: they are not inputs.
  const inputs = group.partitions
    .filter((r) => !changelogSub.has(r.topic))
    .map((r) => {
      const sub = sourceSub.get(r.topic);
      return { task: sub === undefined ? null : `${sub}_${r.partition}`, topic: r.topic, partition: r.partition, committedOffset: r.committedOffset, logEndOffset: r.logEndOffset, lag: r.lag, memberId: r.memberId };
    });
  const totalLag = inputs.reduce((n, r) => n + (r.lag ?? 0n), 0n);
  return {
    applicationId,
    state: d.state,
    coordinator: d.coordinator,
    subtopologies: [...subs.values()].sort((a, b) => Number(a.id) - Number(b.id)),
    members,
    inputs,
    totalLag,
    logEndUnknown: group.logEndUnknown.filter((name) => ![...changelogSub.keys()].some((c) => name.startsWith(`${c}-`))),
  };
}

const dash = (v: bigint | string | null): string => (v === null ? '-' : String(v));

export function formatStreamsView(v: StreamsView): string[] {
  const out = [`Application ${v.applicationId} (group ${v.applicationId}): ${v.state}, ${v.members.length} instance(s), coordinator ${v.coordinator}`];
  if (v.members.length === 0) out.push('No instance is running: tasks and stores are known from running instances only.');
  else {
    out.push('');
    out.push(
      ...table(
        ['MEMBER', 'INSTANCE', 'HOST', 'CLIENT-ID', 'ACTIVE-TASKS', 'STANDBY-TASKS'],
        v.members.map((m) => [m.memberId, m.groupInstanceId ?? '-', m.host, m.clientId, m.activeTasks.join(',') || '-', m.standbyTasks.join(',') || '-']),
      ),
    );
  }
  if (v.subtopologies.length > 0) {
    out.push('');
    out.push(
      ...table(
        ['SUB-TOPOLOGY', 'SOURCE-TOPICS', 'STORES', 'CHANGELOG-TOPICS'],
        v.subtopologies.map((s) => [s.id, s.sources.join(','), s.stores.map((x) => x.store).join(',') || '-', s.stores.map((x) => x.changelog).join(',') || '-']),
      ),
    );
  }
  out.push('');
  out.push(
    ...table(
      ['TASK', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER'],
      [...v.inputs]
        .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
        .map((r) => [r.task ?? '-', r.topic, String(r.partition), dash(r.committedOffset), dash(r.logEndOffset), dash(r.lag), r.memberId ?? '-']),
    ),
  );
  out.push(`Total lag: ${v.totalLag}`);
  if (v.logEndUnknown.length > 0) out.push(`Log end unknown (lag not counted): ${v.logEndUnknown.join(', ')}`);
  return out;
}

/** --json: bigints as strings, like `group describe --json`. */
export function streamsViewJson(v: StreamsView): unknown {
  return {
    ...v,
    totalLag: v.totalLag.toString(),
    inputs: v.inputs.map((r) => ({ ...r, committedOffset: r.committedOffset?.toString() ?? null, logEndOffset: r.logEndOffset?.toString() ?? null, lag: r.lag?.toString() ?? null })),
  };
}

/** Which committed topics are inputs (not internal) — the default --input-topics of a reset. */
export function committedInputTopics(committedTopics: readonly string[], isInternal: (topic: string) => boolean): string[] {
  return [...new Set(committedTopics)].filter((t) => !isInternal(t)).sort();
}
