import { canonicalJson } from './offset-store';

/** A worker's JoinGroup metadata: where its REST API is and how far it read the config topic. */
export interface WorkerMetadata {
  url: string;
  configOffset: string;
}

/** What the leader gives each worker (Kafka's ConnectProtocol assignment, as JSON). */
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

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value));
}
