/**
 * Which node a consumer actually fetches from, as the nodes themselves see
 * it: the one whose `gregor_records_out_total{topic}` (records served to
 * consumers, not to followers) grew since the last look. The client keeps
 * its fetch target to itself; in the failover demo only one consumer reads
 * the topic, so the node serving records is the node it fetches from —
 * stronger narration than "the leader, as metadata says", which is where it
 * should fetch from, not where it does.
 */

export interface HttpNode {
  id: number;
  /** http://host:port of the node's HTTP listener. */
  http: string;
}

/** Records served to consumers for `topic`, summed over the lines of a Prometheus text page. */
export function recordsOutOf(metricsText: string, topic: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    const m = /^gregor_records_out_total\{([^}]*)\} (\S+)$/.exec(line);
    if (m === null) continue;
    const t = /(?:^|,)topic="((?:[^"\\]|\\.)*)"/.exec(m[1]!)?.[1];
    if (t === topic) total += Number(m[2]);
  }
  return total;
}

export interface ServingObservation {
  /** Nodes whose counter grew since the previous look (a restarted node's reset counter is a new baseline, not growth). */
  grew: number[];
  /** Nodes whose /metrics did not answer. */
  unreachable: number[];
}

/**
 * The decision, pure: from the previous counters and the ones just read
 * (undefined: the node did not answer), which nodes served records. A node
 * keeps its previous counter while unreachable, so a value read after a
 * restart (counter back near 0) is a baseline until it grows again.
 */
export function observeServing(previous: ReadonlyMap<number, number>, now: ReadonlyMap<number, number | undefined>): { observation: ServingObservation; next: Map<number, number> } {
  const grew: number[] = [];
  const unreachable: number[] = [];
  const next = new Map(previous);
  for (const [id, value] of now) {
    if (value === undefined) {
      unreachable.push(id);
      continue;
    }
    const before = previous.get(id);
    if (before !== undefined && value > before) grew.push(id);
    next.set(id, value);
  }
  return { observation: { grew, unreachable }, next };
}

/** Scrapes every node's /metrics (1 s timeout each) and reports who served `topic` since the last call. */
export class ServingNodeWatcher {
  private counters = new Map<number, number>();

  constructor(
    private readonly nodes: readonly HttpNode[],
    private readonly topic: string,
  ) {}

  async look(): Promise<ServingObservation> {
    const read = await Promise.all(
      this.nodes.map(async (n): Promise<[number, number | undefined]> => {
        try {
          const res = await fetch(`${n.http}/metrics`, { signal: AbortSignal.timeout(1000) });
          return [n.id, res.ok ? recordsOutOf(await res.text(), this.topic) : undefined];
        } catch {
          return [n.id, undefined];
        }
      }),
    );
    const { observation, next } = observeServing(this.counters, new Map(read));
    this.counters = next;
    return observation;
  }
}
