import type { GroupMemberDescription } from '@gregor/client';
import { GregorError, type TopicPartition } from '@gregor/common';
import { decodeMemberInfo, type MemberInfo } from './member-info';

/**
 * Where an instance answers interactive queries (Kafka's HostInfo, from
 * `application.server`): the application's own endpoint (HTTP, gRPC, …),
 * not a Gregor listener.
 */
export interface HostInfo {
  readonly host: string;
  readonly port: number;
}

/** One running instance as the group sees it (Kafka's StreamsMetadata). */
export interface StreamsMetadata {
  readonly hostInfo: HostInfo;
  readonly memberId: string;
  /** Tasks it runs ("<sub-topology>_<partition>") and keeps standbys of. */
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  /** The stores of its active and of its standby tasks. */
  readonly stateStoreNames: readonly string[];
  readonly standbyStateStoreNames: readonly string[];
}

/**
 * Which instance holds a key of a store (Kafka's KeyQueryMetadata):
 * `activeHost` runs the task of the key's partition (null while the
 * group is rebalancing or no instance with an application server owns
 * it: ask again), `standbyHosts` keep warm copies (possibly stale).
 */
export interface KeyQueryMetadata {
  readonly activeHost: HostInfo | null;
  readonly standbyHosts: readonly HostInfo[];
  readonly partition: number;
}

/** Parses `host:port` (application.server); INVALID_CONFIG naming the key otherwise. */
export function parseHostInfo(value: string, key = 'applicationServer'): HostInfo {
  const i = value.lastIndexOf(':');
  const host = value.slice(0, i);
  const digits = value.slice(i + 1);
  const port = Number(digits);
  if (i <= 0 || !/^\d{1,5}$/.test(digits) || port > 65_535) throw new GregorError('INVALID_CONFIG', `${key} must be host:port, got "${value}"`);
  return { host, port };
}

/** A member's partitions as tasks: its sub-topologies' source partitions are active tasks, their changelog partitions standbys (pure). */
export function memberTasks(subtopologies: MemberInfo['subtopologies'], assignment: readonly TopicPartition[]): { active: string[]; standby: string[] } {
  const sourceSub = new Map<string, string>();
  const changelogSub = new Map<string, string>();
  for (const [id, s] of Object.entries(subtopologies)) {
    for (const t of s.sources) sourceSub.set(t, id);
    for (const c of s.changelogs) changelogSub.set(c, id);
  }
  const active = new Set<string>();
  const standby = new Set<string>();
  for (const tp of assignment) {
    const a = sourceSub.get(tp.topic);
    const sb = changelogSub.get(tp.topic);
    if (a !== undefined) active.add(`${a}_${tp.partition}`);
    else if (sb !== undefined) standby.add(`${sb}_${tp.partition}`);
  }
  return { active: [...active].sort(), standby: [...standby].sort() };
}

/**
 * Every instance of the group that has an application server, with its
 * tasks and their stores (pure; `storesBySubtopology` from the local
 * topology, which every instance shares). Kafka's leader hands this map
 * to every member in its assignment; here an instance reads it from the
 * group's description when asked (the SDK's assignor returns partitions
 * only) — one DescribeGroups per lookup, always current.
 */
export function streamsMetadataFromGroup(members: readonly Pick<GroupMemberDescription, 'memberId' | 'assignment' | 'subscriptionUserData'>[], storesBySubtopology: ReadonlyMap<string, readonly string[]>): StreamsMetadata[] {
  const out: StreamsMetadata[] = [];
  for (const m of members) {
    const info = decodeMemberInfo(m.subscriptionUserData);
    if (info?.applicationServer === undefined) continue;
    let hostInfo: HostInfo;
    try {
      hostInfo = parseHostInfo(info.applicationServer);
    } catch {
      continue; // another version's or a broken instance's: it cannot be routed to
    }
    const { active, standby } = memberTasks(info.subtopologies, m.assignment);
    const storesOf = (tasks: readonly string[]): string[] => [...new Set(tasks.flatMap((t) => storesBySubtopology.get(t.split('_')[0]!) ?? []))].sort();
    out.push({ hostInfo, memberId: m.memberId, activeTasks: active, standbyTasks: standby, stateStoreNames: storesOf(active), standbyStateStoreNames: storesOf(standby) });
  }
  return out;
}

/** Who holds task `<subtopology>_<partition>` among the instances (pure). */
export function keyQueryMetadata(all: readonly StreamsMetadata[], subtopology: number, partition: number): KeyQueryMetadata {
  const task = `${subtopology}_${partition}`;
  return {
    activeHost: all.find((m) => m.activeTasks.includes(task))?.hostInfo ?? null,
    standbyHosts: all.filter((m) => m.standbyTasks.includes(task)).map((m) => m.hostInfo),
    partition,
  };
}
