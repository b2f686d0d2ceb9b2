/**
 * The network faults a partition run goes through, one per round. Each picks
 * its nodes from the cluster as it is when the round starts (who is the
 * active controller, who leads what), then cuts links in the lab for a while
 * and heals them. Cuts are between node namespaces unless a fault says
 * otherwise: the workload's client (the root namespace) keeps reaching every
 * node, as clients of a real cluster whose inter-node links fail do.
 */
import type { NetnsLab } from './netns-lab';

/** Who is who when a round starts. */
export interface Roles {
  nodes: readonly number[];
  controller: number;
  /** Leader of each partition (null: none). */
  leaders: readonly (number | null)[];
}

export interface FaultTiming {
  /** How long a cut lasts. */
  holdMs: number;
  /** Cut/heal cycles of the flapping fault. */
  flapCycles: number;
  /** How long each of its cuts, and each healed stretch after one, lasts. */
  flapHalfMs: number;
}

export interface Fault {
  name: string;
  /** The nodes involved, for the report, e.g. { isolated: 2 }. */
  pick(roles: Roles): Record<string, number>;
  /** Applies the fault, holds it, and heals. */
  run(lab: NetnsLab, picked: Record<string, number>, timing: FaultTiming): Promise<void>;
}

const hold = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A node that leads a partition but is not the controller, so that losing it is not also a controller failover; else any leader. */
export function plainLeader(roles: Roles): number {
  const leaders = roles.leaders.filter((l): l is number => l !== null);
  return leaders.find((l) => l !== roles.controller) ?? leaders[0] ?? roles.nodes[0]!;
}

function others(roles: Roles, ...not: number[]): number[] {
  return roles.nodes.filter((n) => !not.includes(n));
}

/**
 * Applies a cut, keeps it `ms`, heals (also when applying failed half-way).
 * The timer is the fault's length — what the round is made of, as in Jepsen's
 * nemesis schedules — not a wait for something to happen; every wait of the
 * run is a poll for a condition.
 */
async function cutFor(lab: NetnsLab, ms: number, apply: () => Promise<void>): Promise<void> {
  try {
    await apply();
    await hold(ms);
  } finally {
    await lab.heal();
  }
}

export const FAULTS: readonly Fault[] = [
  {
    name: 'leader-isolated',
    pick: (roles) => ({ isolated: plainLeader(roles), controller: roles.controller }),
    run: (lab, p, t) => cutFor(lab, t.holdMs, () => lab.cut(...lab.linksOf(p['isolated']!))),
  },
  {
    name: 'controller-isolated',
    pick: (roles) => ({ isolated: roles.controller }),
    run: (lab, p, t) => cutFor(lab, t.holdMs, () => lab.cut(...lab.linksOf(p['isolated']!))),
  },
  {
    // The controller's connections to one broker fail; that broker's to the
    // controller work. The controller's node is a follower of the broker's
    // partitions that cannot fetch, and is never fenced: acks=all waits until
    // the broker drops it from the ISR — after replica.lag.time.max.ms (5 s)
    // until the leader dropped followers silent for a session (issue 10).
    // The cut is held twice as long as the others, longer than that lag, so
    // the report shows whether those partitions take writes again before the
    // heal (they did not until the broker fetched the metadata log itself).
    name: 'one-way-from-controller',
    pick: (roles) => ({ from: roles.controller, to: others(roles, roles.controller)[0]! }),
    run: (lab, p, t) => cutFor(lab, 2 * t.holdMs, () => lab.block([p['from']!, p['to']!])),
  },
  {
    // A broker cannot open connections to the controller; the controller's to it work.
    name: 'one-way-to-controller',
    pick: (roles) => ({ from: others(roles, roles.controller)[0]!, to: roles.controller }),
    run: (lab, p, t) => cutFor(lab, t.holdMs, () => lab.block([p['from']!, p['to']!])),
  },
  {
    // The controller and another node cannot talk; both talk to the bridge.
    name: 'bridge',
    pick: (roles) => {
      const [end, bridge] = others(roles, roles.controller);
      return { end_a: roles.controller, end_c: end!, bridge: bridge! };
    },
    run: (lab, p, t) => cutFor(lab, t.holdMs, () => lab.cut([p['end_a']!, p['end_c']!])),
  },
  {
    name: 'flapping-leader',
    pick: (roles) => ({ isolated: plainLeader(roles), controller: roles.controller }),
    run: async (lab, p, t) => {
      for (let i = 0; i < t.flapCycles; i++) {
        await cutFor(lab, t.flapHalfMs, () => lab.cut(...lab.linksOf(p['isolated']!)));
        await hold(t.flapHalfMs);
      }
    },
  },
  {
    // The node is cut off from the cluster, and the client reaches only it.
    name: 'client-reaches-only-isolated',
    pick: (roles) => ({ isolated: plainLeader(roles), controller: roles.controller }),
    run: (lab, p, t) => {
      const x = p['isolated']!;
      const fromClient = lab.linksOf(x).map(([, other]) => ['client', other] as const);
      return cutFor(lab, t.holdMs, () => lab.cut(...lab.linksOf(x), ...fromClient));
    },
  },
];
