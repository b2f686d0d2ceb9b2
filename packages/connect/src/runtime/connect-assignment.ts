/** What a worker runs after a rebalance: the complete set (the wire carries Kafka's form: connect-protocol.ts). */
export interface ConnectAssignment {
  leader: string;
  leaderUrl: string;
  connectors: string[];
  tasks: { connector: string; task: number }[];
}

/**
 * Eager round-robin (Kafka's pre-KIP-415 assignment): connectors over the
 * workers in member-id order, then every task continuing the rotation, so
 * the load is even (counts differ by at most one). Pure: the same members and connectors give the same
 * assignment on any leader.
 */
export function assignRoundRobin(
  members: readonly { memberId: string; url: string }[],
  connectors: readonly { name: string; tasks: number }[],
  leader: string,
): Map<string, ConnectAssignment> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const leaderUrl = sorted.find((m) => m.memberId === leader)?.url ?? '';
  const out = new Map(sorted.map((m) => [m.memberId, { leader, leaderUrl, connectors: [] as string[], tasks: [] as { connector: string; task: number }[] }]));
  if (sorted.length === 0) return out;
  let i = 0;
  const names = [...connectors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of names) out.get(sorted[i++ % sorted.length]!.memberId)!.connectors.push(c.name);
  for (const c of names) for (let t = 0; t < c.tasks; t++) out.get(sorted[i++ % sorted.length]!.memberId)!.tasks.push({ connector: c.name, task: t });
  return out;
}

/** A worker's current connectors and tasks, as it reports them when it rejoins (incremental cooperative protocol). */
export interface OwnedUnits {
  connectors: string[];
  tasks: { connector: string; task: number }[];
}

/**
 * What the incremental assignment adds to the eager one: the member gave
 * units up and must rejoin so they are placed; `delay` (ms, Kafka's
 * ConnectProtocol field): units of a departed worker are held, so rejoin
 * after this long for the rebalance that places them.
 */
export interface IncrementalAssignment extends ConnectAssignment {
  rejoin: boolean;
  delay?: number;
}

/** How the incremental assignment treats units nobody runs (used by the scheduled rebalance delay). */
export interface OrphanPolicy {
  /** Unit keys placed on nobody in this generation (a departed worker's, within the delay). */
  hold?: ReadonlySet<string>;
  /** Unit keys placed on the least loaded of `lostTo` (the delay ended and those workers joined meanwhile). */
  lost?: ReadonlySet<string>;
  lostTo?: readonly string[];
}

type Unit = { kind: 'c'; connector: string } | { kind: 't'; connector: string; task: number };
export const unitKey = (u: Unit): string => (u.kind === 'c' ? `c\u0000${u.connector}` : `t\u0000${u.connector}\u0000${u.task}`);

/**
 * Incremental cooperative assignment (KIP-415's idea, simplified): a unit
 * stays with the live worker that runs it; units nobody runs (new, or their
 * worker left) go to the least loaded workers; a worker above its fair
 * share (ceil(units / workers)) gives the excess up *without* anyone getting
 * it in this generation — it stops them and rejoins, and the next
 * generation places them. Fair share: floor(units / workers), one more for
 * as many workers as the remainder (those already holding more). So adding a connector or a worker restarts
 * nothing else, and a unit never runs on two workers at once.
 */
export function assignIncremental(
  members: readonly { memberId: string; url: string; owned: OwnedUnits }[],
  connectors: readonly { name: string; tasks: number }[],
  leader: string,
  orphans: OrphanPolicy = {},
): Map<string, IncrementalAssignment> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const leaderUrl = sorted.find((m) => m.memberId === leader)?.url ?? '';
  const names = [...connectors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const units: Unit[] = [
    ...names.map((c): Unit => ({ kind: 'c', connector: c.name })),
    ...names.flatMap((c) => Array.from({ length: c.tasks }, (_, task): Unit => ({ kind: 't', connector: c.name, task }))),
  ];
  const byKey = new Map(units.map((u) => [unitKey(u), u]));
  const base = sorted.length === 0 ? 0 : Math.floor(units.length / sorted.length);
  let extras = sorted.length === 0 ? 0 : units.length % sorted.length;
  const claimed = new Set<string>();
  const kept = new Map<string, Unit[]>();
  const rejoin = new Set<string>();
  for (const m of sorted) {
    const mine: Unit[] = [];
    const owned = [...m.owned.connectors.map((connector): Unit => ({ kind: 'c', connector })), ...m.owned.tasks.map((t): Unit => ({ kind: 't', ...t }))]
      .map(unitKey)
      .filter((key, i, all) => byKey.has(key) && !claimed.has(key) && all.indexOf(key) === i); // not deleted, not kept by another worker
    let cap = base;
    if (owned.length > base && extras > 0) {
      cap++;
      extras--;
    }
    for (const key of owned) {
      claimed.add(key);
      if (mine.length < cap) mine.push(byKey.get(key)!);
      else rejoin.add(m.memberId); // revoked: placed in the next generation
    }
    kept.set(m.memberId, mine);
  }
  const lostTo = sorted.filter((m) => orphans.lostTo?.includes(m.memberId) === true);
  for (const u of units) {
    const key = unitKey(u);
    if (claimed.has(key) || orphans.hold?.has(key) === true || sorted.length === 0) continue;
    const among = orphans.lost?.has(key) === true && lostTo.length > 0 ? lostTo : sorted;
    const target = among.reduce((best, m) => (kept.get(m.memberId)!.length < kept.get(best.memberId)!.length ? m : best));
    kept.get(target.memberId)!.push(u);
  }
  return new Map(
    sorted.map((m) => {
      const mine = kept.get(m.memberId)!;
      return [
        m.memberId,
        {
          leader,
          leaderUrl,
          connectors: mine.filter((u) => u.kind === 'c').map((u) => u.connector),
          tasks: mine.flatMap((u) => (u.kind === 't' ? [{ connector: u.connector, task: u.task }] : [])),
          rejoin: rejoin.has(m.memberId),
        },
      ];
    }),
  );
}

/**
 * What a leader remembers between the generations it assigns (Kafka's
 * IncrementalCooperativeAssignor state): what it placed, on whom, and a
 * scheduled rebalance for units held back from a departed worker.
 */
export interface DelayMemory {
  generation: number;
  /** Unit keys placed (or held) in that generation; a unit nobody reports now was lost with its worker. */
  placed: ReadonlySet<string>;
  members: ReadonlySet<string>;
  /** When the held units are placed (ms); undefined: nothing held. */
  deadline?: number;
  /** Workers that joined empty-handed while units were held: a restarted worker comes back as one. */
  candidates: ReadonlySet<string>;
}

/**
 * Incremental cooperative assignment with Kafka's scheduled rebalance delay
 * (`scheduled.rebalance.max.delay.ms`, KIP-415): the units of a worker that
 * left are held — placed on nobody — until `maxDelayMs` after the leader
 * first missed them, and every member is told to rejoin then (`delay`). A
 * worker that joins empty-handed meanwhile (the one that left, restarted)
 * is a candidate: when the delay ends, the held units go to the candidates
 * still present, so a quick restart gets its work back and nothing else
 * moves; with no candidate they go to the least loaded workers. New units
 * are placed at once. `memory` is this leader's from the previous
 * generation (undefined, or older than generation - 1: a new leader, which
 * cannot tell lost units from new ones, so places them at once, as Kafka's).
 * Pure: returns the next memory.
 */
export function assignWithDelay(
  members: readonly { memberId: string; url: string; owned: OwnedUnits }[],
  connectors: readonly { name: string; tasks: number }[],
  leader: string,
  generation: number,
  nowMs: number,
  maxDelayMs: number,
  memory: DelayMemory | undefined,
): { assignments: Map<string, IncrementalAssignment>; memory: DelayMemory } {
  const mem = memory !== undefined && memory.generation === generation - 1 ? memory : undefined;
  const existing = new Set(connectors.flatMap((c) => [unitKey({ kind: 'c', connector: c.name }), ...Array.from({ length: c.tasks }, (_, task) => unitKey({ kind: 't', connector: c.name, task }))]));
  const owned = new Set(members.flatMap((m) => [...m.owned.connectors.map((connector) => unitKey({ kind: 'c', connector })), ...m.owned.tasks.map((t) => unitKey({ kind: 't', ...t }))]));
  const lost = new Set([...(mem?.placed ?? [])].filter((k) => existing.has(k) && !owned.has(k)));
  const ids = members.map((m) => m.memberId);
  let policy: OrphanPolicy = {};
  let deadline: number | undefined;
  let candidates = new Set<string>();
  if (lost.size > 0 && maxDelayMs > 0 && mem !== undefined) {
    if (mem.deadline !== undefined && nowMs >= mem.deadline) {
      policy = { lost, lostTo: ids.filter((id) => mem.candidates.has(id)) };
    } else {
      deadline = mem.deadline ?? nowMs + maxDelayMs;
      const fresh = members.filter((m) => !mem.members.has(m.memberId) && m.owned.connectors.length === 0 && m.owned.tasks.length === 0).map((m) => m.memberId);
      candidates = new Set([...mem.candidates, ...fresh].filter((id) => ids.includes(id)));
      policy = { hold: lost };
    }
  }
  const assignments = assignIncremental(members, connectors, leader, policy);
  const placed = new Set(policy.hold ?? []);
  for (const a of assignments.values()) {
    for (const c of a.connectors) placed.add(unitKey({ kind: 'c', connector: c }));
    for (const t of a.tasks) placed.add(unitKey({ kind: 't', ...t }));
    if (deadline !== undefined) a.delay = deadline - nowMs;
  }
  return { assignments, memory: { generation, placed, members: new Set(ids), ...(deadline !== undefined ? { deadline } : {}), candidates } };
}
