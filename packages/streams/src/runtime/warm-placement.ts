/**
 * State-aware placement of free tasks (pure; the idea of Kafka's
 * HighAvailabilityTaskAssignor): after the sticky assignment, a task that
 * no member owned — all of them after a full restart, a departed member's
 * after it left — is swapped with another free task when that puts it on a
 * member whose state for it is warmer (a local checkpoint, a standby),
 * without making the other task colder. Swapping keeps every member's
 * count, so the balance holds; only free tasks move, so no member must
 * revoke anything (cooperative-safe). Each swap raises the total warmth,
 * so the loop ends; it is also capped in passes.
 *
 * `assignment`: member → task indices (changed in place); `warmth(member,
 * task)`: higher is warmer.
 */
export function placeFreeTasksWarm(assignment: Map<string, number[]>, free: ReadonlySet<number>, warmth: (memberId: string, task: number) => number, memberOrder: readonly string[]): number {
  const ownerOf = new Map<number, string>();
  for (const [m, tasks] of assignment) for (const t of tasks) if (free.has(t)) ownerOf.set(t, m);
  let swaps = 0;
  const maxPasses = Math.max(1, free.size);
  for (let pass = 0; pass < maxPasses; pass++) {
    let changed = false;
    for (const t of [...ownerOf.keys()].sort((a, b) => a - b)) {
      const a = ownerOf.get(t)!;
      const here = warmth(a, t);
      // The warmest other member, first in member order on a tie.
      let best: string | undefined;
      for (const m of memberOrder) if (m !== a && warmth(m, t) > here && (best === undefined || warmth(m, t) > warmth(best, t))) best = m;
      if (best === undefined) continue;
      // One of best's free tasks that is at least as warm on `a`; the one `a` is warmest for.
      let partner: number | undefined;
      for (const u of assignment.get(best)!) {
        if (!free.has(u) || warmth(a, u) < warmth(best, u)) continue;
        if (partner === undefined || warmth(a, u) - warmth(best, u) > warmth(a, partner) - warmth(best, partner)) partner = u;
      }
      if (partner === undefined) continue;
      swap(assignment.get(a)!, t, partner);
      swap(assignment.get(best)!, partner, t);
      ownerOf.set(t, best);
      ownerOf.set(partner, a);
      swaps++;
      changed = true;
    }
    if (!changed) break;
  }
  return swaps;
}

function swap(list: number[], out: number, into: number): void {
  list[list.indexOf(out)] = into;
}

/**
 * Which owned tasks a member gives up when it must shed some (pure): the
 * sticky assignment keeps the first ones by index and withholds the rest
 * for the follow-up rebalance; this swaps, within each member's own
 * tasks, so that it sheds the tasks cheapest to move first — ones another
 * member holds state for (`shedPreference` 2), then stateless ones (1),
 * then stateful ones nobody else has (0). Only the member's own list
 * changes (same count, tasks it owns), so balance and the cooperative
 * protocol are untouched; each swap raises the shed tasks' total
 * preference, so it ends.
 *
 * `kept`: member → the owned task indices it keeps (changed in place);
 * `shed`: member → the owned task indices it gives up.
 */
export function shedMovableTasksFirst(kept: Map<string, number[]>, shed: ReadonlyMap<string, readonly number[]>, shedPreference: (memberId: string, task: number) => number, isOwnedBy: (memberId: string, task: number) => boolean): void {
  for (const [memberId, given] of shed) {
    const list = kept.get(memberId);
    if (list === undefined || given.length === 0) continue;
    const giving = [...given];
    for (;;) {
      // The kept owned task most worth shedding against the shed task least worth it.
      let bestKept: number | undefined;
      for (const k of list) if (isOwnedBy(memberId, k) && (bestKept === undefined || shedPreference(memberId, k) > shedPreference(memberId, bestKept))) bestKept = k;
      let worstShed: number | undefined;
      for (const m of giving) if (worstShed === undefined || shedPreference(memberId, m) < shedPreference(memberId, worstShed)) worstShed = m;
      if (bestKept === undefined || worstShed === undefined || shedPreference(memberId, bestKept) <= shedPreference(memberId, worstShed)) break;
      swap(list, bestKept, worstShed);
      swap(giving, worstShed, bestKept);
    }
  }
}

/**
 * Warm-up replicas (pure; KIP-441): a stateful task moves only to a member
 * that is caught up on it — its state within acceptable.recovery.lag of
 * the active's — so that the move does not stop the task for a long
 * restoration. A task its owner must shed (the balance wants it
 * elsewhere) while no other member is caught up stays with its owner
 * (`assignment` is changed in place: the task is given back), and, while
 * fewer than `maxWarmups` warm-ups run in the group, the least loaded
 * other member gets a warm-up replica of it — a standby that restores the
 * changelog in the background. A later (probing) rebalance, once the
 * warm-up has caught up, lets the task move there. The balance is
 * briefly off by the tasks held back; the cooperative protocol is
 * untouched (an owner only keeps what it owns).
 *
 * `shed`: member → tasks it owns that were assigned to nobody this round.
 * Returns member → tasks to warm up.
 */
export function holdForWarmup(
  assignment: Map<string, number[]>,
  shed: ReadonlyMap<string, readonly number[]>,
  opts: { caughtUp(memberId: string, task: number): boolean; stateful(task: number): boolean; maxWarmups: number; memberOrder: readonly string[] },
): Map<string, number[]> {
  const warmups = new Map<string, number[]>(opts.memberOrder.map((m) => [m, []]));
  let count = 0;
  const load = (m: string): number => (assignment.get(m)?.length ?? 0) + warmups.get(m)!.length;
  for (const owner of opts.memberOrder) {
    for (const t of [...(shed.get(owner) ?? [])].sort((a, b) => a - b)) {
      if (!opts.stateful(t) || opts.memberOrder.some((m) => m !== owner && opts.caughtUp(m, t))) continue;
      assignment.get(owner)!.push(t);
      if (count >= opts.maxWarmups) continue;
      let target: string | undefined;
      for (const m of opts.memberOrder) if (m !== owner && (target === undefined || load(m) < load(target))) target = m;
      if (target === undefined) continue;
      warmups.get(target)!.push(t);
      count++;
    }
  }
  return warmups;
}
