import { compareMembers, cooperativeStickyAssignor, type GroupMember, type PartitionAssignor, type PartitionCounts } from '@gregor/client';
import type { TopicPartition } from '@gregor/common';
import type { TaskId } from '../processor/task';
import { decodeMemberInfo, encodeMemberInfo, taskWarmth } from './member-info';
import { holdForWarmup, placeFreeTasksWarm, shedMovableTasksFirst } from './warm-placement';

/** What the assignor needs of the topology: each sub-topology's source topics (resolved names). */
export type TaskTopics = ReadonlyMap<number, readonly string[]>;

/** Every task of the application: one per sub-topology and partition up to its largest source topic (pure). */
export function allTasks(taskTopics: TaskTopics, partitionCounts: PartitionCounts): TaskId[] {
  const out: TaskId[] = [];
  for (const [subtopology, topics] of [...taskTopics].sort((a, b) => a[0] - b[0])) {
    const n = Math.max(0, ...topics.map((t) => partitionCounts.get(t) ?? 0));
    for (let partition = 0; partition < n; partition++) out.push({ subtopology, partition });
  }
  return out;
}

/** The topic-partitions a task reads: partition p of each of its source topics that has one. */
export function taskPartitions(task: TaskId, taskTopics: TaskTopics, partitionCounts: PartitionCounts): TopicPartition[] {
  return (taskTopics.get(task.subtopology) ?? []).filter((t) => (partitionCounts.get(t) ?? 0) > task.partition).map((topic) => ({ topic, partition: task.partition }));
}

/** The one pseudo-topic whose partitions stand for tasks inside the assignor; the name never leaves it. */
const TASKS = 'tasks';

/**
 * The group assignor of a streams application: it assigns tasks, not
 * partitions, so every partition of a task — all the topics a join reads,
 * for one partition number — lands on the same member. It is Kafka's
 * cooperative-sticky assignment (the SDK's, unchanged) applied to tasks,
 * each task one partition of a pseudo-topic: balanced (members within one
 * task of each other), sticky (a member keeps the tasks it owns, and with
 * them its warm stores and caches), and cooperative (a task that must move
 * is first revoked by its owner — committed, closed — and given to its new
 * owner in the follow-up rebalance; other tasks keep processing
 * throughout). Ownership comes from the partitions each member reports.
 * State-aware: each member's subscription userData (`MemberInfo`) reports
 * the state it holds per task; tasks nobody owns (after a full restart, or
 * a member's departure) are then swapped among members toward the one
 * with the warmest state (`placeFreeTasksWarm`), so a restarted instance
 * gets back the tasks whose stores it has on disk and a standby takes
 * over its task, instead of rebuilding stores from their changelogs.
 * Tasks are numbered by partition, then sub-topology, so that free tasks
 * dealt in order mix sub-topologies (stateful ones spread out) instead of
 * giving one member every task of one sub-topology.
 */
export function streamsTaskAssignor(taskTopics: TaskTopics, standby: StandbyPlan = { changelogs: new Map(), replicas: 0 }, opts: StreamsAssignorOptions = {}): PartitionAssignor {
  const { localState, applicationServer } = opts;
  const warmup = opts.warmup ?? { maxWarmupReplicas: 0, acceptableRecoveryLag: 0 };
  const subOf = new Map<string, number>();
  for (const [sub, topics] of taskTopics) for (const t of topics) subOf.set(t, sub);
  const subtopologies = Object.fromEntries([...taskTopics].map(([sub, sources]) => [String(sub), { sources: [...sources], changelogs: [...(standby.changelogs.get(sub) ?? [])] }]));
  return {
    name: 'gregor-streams',
    supportedProtocols: ['cooperative'],
    subscriptionUserData: () => {
      const state = localState?.();
      return encodeMemberInfo({
        version: 1,
        subtopologies,
        taskOffsetSums: Object.fromEntries(state?.taskOffsetSums ?? []),
        ...(state?.activeOffsetSums === undefined ? {} : { activeOffsetSums: Object.fromEntries(state.activeOffsetSums) }),
        ...(applicationServer === undefined ? {} : { applicationServer }),
      });
    },
    assign(partitionCounts, members: readonly GroupMember[]) {
      const tasks = allTasks(taskTopics, partitionCounts).sort((a, b) => a.partition - b.partition || a.subtopology - b.subtopology);
      const index = new Map(tasks.map((t, i) => [`${t.subtopology}_${t.partition}`, i]));
      const pseudoMembers = members.map((m) => {
        const owned = new Set<number>();
        for (const tp of m.subscription.ownedPartitions) {
          const i = index.get(`${subOf.get(tp.topic)}_${tp.partition}`);
          if (i !== undefined) owned.add(i);
        }
        const ownedPartitions = [...owned].map((partition) => ({ topic: TASKS, partition }));
        return { ...m, subscription: { ...m.subscription, topics: [TASKS], ownedPartitions } };
      });
      const pseudo = cooperativeStickyAssignor.assign(new Map([[TASKS, tasks.length]]), pseudoMembers);
      const warmups = placeByState(pseudo, pseudoMembers, members, tasks, standby, warmup);
      const out = new Map<string, TopicPartition[]>();
      for (const [memberId, tps] of pseudo) out.set(memberId, tps.flatMap((tp) => taskPartitions(tasks[tp.partition]!, taskTopics, partitionCounts)));
      if (standby.replicas > 0) {
        const active = new Map<number, string[]>();
        const claim = (i: number, memberId: string): void => void active.set(i, [...(active.get(i) ?? []), memberId]);
        for (const [memberId, tps] of pseudo) for (const tp of tps) claim(tp.partition, memberId);
        for (const m of pseudoMembers) for (const tp of m.subscription.ownedPartitions) claim(tp.partition, m.memberId);
        for (const [memberId, tps] of assignStandbys(tasks, active, members, standby)) out.get(memberId)!.push(...tps);
      }
      for (const [memberId, indices] of warmups) {
        const mine = out.get(memberId)!;
        for (const i of indices) {
          for (const topic of standby.changelogs.get(tasks[i]!.subtopology) ?? []) {
            if (!mine.some((tp) => tp.topic === topic && tp.partition === tasks[i]!.partition)) mine.push({ topic, partition: tasks[i]!.partition });
          }
        }
      }
      return out;
    },
  };
}

/**
 * The state-aware part (see streamsTaskAssignor), on the sticky
 * assignment of task indices, in place: a member that must give up owned
 * tasks gives up first those another member has state for, then stateless
 * ones; tasks nobody owned go where their state is warmest.
 */
function placeByState(
  pseudo: Map<string, TopicPartition[]>,
  pseudoMembers: readonly GroupMember[],
  members: readonly GroupMember[],
  tasks: readonly TaskId[],
  standby: StandbyPlan,
  warmup: WarmupConfig,
): Map<string, number[]> {
  const infos = new Map(members.map((m) => [m.memberId, decodeMemberInfo(m.subscription.userData)]));
  const taskName = (i: number): string => `${tasks[i]!.subtopology}_${tasks[i]!.partition}`;
  const warmth = (memberId: string, i: number): number => taskWarmth(infos.get(memberId), taskName(i));
  const ownedBy = new Map(pseudoMembers.map((m) => [m.memberId, new Set(m.subscription.ownedPartitions.map((tp) => tp.partition))]));
  const claims = new Map<number, number>();
  for (const owned of ownedBy.values()) for (const i of owned) claims.set(i, (claims.get(i) ?? 0) + 1);
  const byIndex = new Map([...pseudo].map(([memberId, tps]) => [memberId, tps.map((tp) => tp.partition)]));
  const assigned = new Set([...byIndex.values()].flat());
  // Withheld this round: owned by exactly one member, assigned to nobody (it moves in the follow-up rebalance).
  const shed = new Map([...ownedBy].map(([memberId, owned]) => [memberId, [...owned].filter((i) => claims.get(i) === 1 && !assigned.has(i))]));
  const stateless = (i: number): boolean => (standby.changelogs.get(tasks[i]!.subtopology) ?? []).length === 0;
  const shedPreference = (memberId: string, i: number): number => ([...infos.keys()].some((m) => m !== memberId && warmth(m, i) >= 0) ? 2 : stateless(i) ? 1 : 0);
  shedMovableTasksFirst(byIndex, shed, shedPreference, (memberId, i) => ownedBy.get(memberId)?.has(i) === true);
  const free = new Set(tasks.map((_t, i) => i).filter((i) => !claims.has(i)));
  const memberOrder = [...members].sort(compareMembers).map((m) => m.memberId);
  placeFreeTasksWarm(byIndex, free, warmth, memberOrder);
  // KIP-441: what an owner sheds now moves only to a member caught up on it, else stays and is warmed up elsewhere.
  const assignedNow = new Set([...byIndex.values()].flat());
  const shedNow = new Map([...ownedBy].map(([memberId, owned]) => [memberId, [...owned].filter((i) => claims.get(i) === 1 && !assignedNow.has(i))]));
  const ownerOf = new Map<number, string>();
  for (const [memberId, owned] of ownedBy) for (const i of owned) ownerOf.set(i, memberId);
  const caughtUp = (memberId: string, i: number): boolean => {
    const w = warmth(memberId, i);
    if (ownerOf.get(i) === memberId || w === Number.MAX_SAFE_INTEGER) return true;
    const active = infos.get(ownerOf.get(i) ?? '')?.activeOffsetSums?.[taskName(i)];
    // An owner that does not report its position (an older instance): no basis to hold the task back.
    if (active === undefined) return true;
    return Number(active) - Math.max(w, 0) <= warmup.acceptableRecoveryLag;
  };
  const warmups = warmup.maxWarmupReplicas > 0 ? holdForWarmup(byIndex, shedNow, { caughtUp, stateful: (i) => !stateless(i), maxWarmups: warmup.maxWarmupReplicas, memberOrder }) : new Map<string, number[]>();
  for (const [memberId, indices] of byIndex) pseudo.set(memberId, indices.map((partition) => ({ topic: TASKS, partition })));
  return warmups;
}

/** KIP-441's settings (Kafka's max.warmup.replicas, acceptable.recovery.lag). */
export interface WarmupConfig {
  readonly maxWarmupReplicas: number;
  readonly acceptableRecoveryLag: number;
}

/** What this member tells the group about its state, and how the leader treats state. */
export interface StreamsAssignorOptions {
  /** Per task, the changelog offset sum of the state held here ("active" for running tasks), and the running tasks' positions. */
  localState?: () => { taskOffsetSums: ReadonlyMap<string, string>; activeOffsetSums?: ReadonlyMap<string, string> };
  applicationServer?: string;
  warmup?: WarmupConfig;
}

/** Standby replicas to place: each stateful sub-topology's changelog topics, and how many copies per task. */
export interface StandbyPlan {
  readonly changelogs: ReadonlyMap<number, readonly string[]>;
  readonly replicas: number;
}

/**
 * Places standby replicas (pure): for each task with changelogs, up to
 * `replicas` members other than those owning or receiving it as active,
 * preferring a member that already keeps it or reports state for it (its
 * store is warm: a standby, a checkpointed task directory), then the
 * member with the fewest standbys so far, then Kafka's member order. A
 * standby is the task's changelog partitions.
 */
export function assignStandbys(
  tasks: readonly TaskId[],
  activeOwners: ReadonlyMap<number, readonly string[]>,
  members: readonly GroupMember[],
  plan: StandbyPlan,
): Map<string, TopicPartition[]> {
  const ordered = [...members].sort(compareMembers);
  const out = new Map<string, TopicPartition[]>(ordered.map((m) => [m.memberId, []]));
  const keeps = (m: GroupMember, tp: TopicPartition): boolean => m.subscription.ownedPartitions.some((o) => o.topic === tp.topic && o.partition === tp.partition);
  const infos = new Map(members.map((m) => [m.memberId, decodeMemberInfo(m.subscription.userData)]));
  tasks.forEach((task, i) => {
    const topics = plan.changelogs.get(task.subtopology) ?? [];
    if (topics.length === 0) return;
    const tps = topics.map((topic) => ({ topic, partition: task.partition }));
    const owners = activeOwners.get(i) ?? [];
    const candidates = ordered
      .filter((m) => !owners.includes(m.memberId))
      .map((m, order) => ({ m, order, warm: tps.some((tp) => keeps(m, tp)) || taskWarmth(infos.get(m.memberId), `${task.subtopology}_${task.partition}`) >= 0 }))
      .sort((a, b) => Number(b.warm) - Number(a.warm) || out.get(a.m.memberId)!.length - out.get(b.m.memberId)!.length || a.order - b.order);
    for (const c of candidates.slice(0, plan.replicas)) out.get(c.m.memberId)!.push(...tps);
  });
  return out;
}
