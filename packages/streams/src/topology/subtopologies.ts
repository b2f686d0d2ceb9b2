import type { TopicRef, TopologyNode } from './nodes';
import { parentsOf } from './nodes';

/**
 * A connected piece of the topology: nodes linked by parent edges or by a
 * shared state store. A repartition topic cuts the graph (a sink writes it,
 * another piece's source reads it), so each piece can run as independent
 * tasks, one per input partition (Kafka's node groups / sub-topologies).
 */
export interface Subtopology {
  readonly id: number;
  /** In the order they were added, which is parents before children. */
  readonly nodes: readonly TopologyNode[];
  readonly sourceTopics: readonly TopicRef[];
  readonly stores: readonly string[];
}

/** Splits nodes into sub-topologies with a union-find; ids follow the order of each piece's first node (pure). */
export function splitSubtopologies(nodes: readonly TopologyNode[], storeUsers: ReadonlyMap<string, readonly string[]>): Subtopology[] {
  const parent = new Map<string, string>(nodes.map((n) => [n.name, n.name]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const n of nodes) for (const p of parentsOf(n)) union(p, n.name);
  for (const users of storeUsers.values()) for (const u of users.slice(1)) union(users[0]!, u);

  const groups = new Map<string, TopologyNode[]>();
  for (const n of nodes) {
    const root = find(n.name);
    let g = groups.get(root);
    if (g === undefined) groups.set(root, (g = []));
    g.push(n);
  }
  return [...groups.values()].map((group, id) => {
    const names = new Set(group.map((n) => n.name));
    return {
      id,
      nodes: group,
      sourceTopics: group.flatMap((n) => (n.kind === 'source' ? n.topics : [])),
      stores: [...storeUsers].filter(([, users]) => users.some((u) => names.has(u))).map(([store]) => store),
    };
  });
}
