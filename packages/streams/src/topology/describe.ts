import type { TopologyNode } from './nodes';
import type { Subtopology } from './subtopologies';

/**
 * Topology.describe() in Kafka's text format (TopologyDescription's
 * toString), so people used to reading Kafka's output can read ours and
 * diff the two. Pure.
 */
export function describeTopology(subtopologies: readonly Subtopology[], childrenOf: (name: string) => readonly string[], globals: readonly { store: string; topic: string }[] = []): string {
  const lines = ['Topologies:'];
  // Global stores run no tasks, so they come first and take no sub-topology number.
  for (const g of globals) lines.push(`   Global store: ${g.store} (topic: ${g.topic})`, '');
  for (const s of subtopologies) {
    lines.push(`   Sub-topology: ${s.id}`);
    for (const n of s.nodes) lines.push(...describeNode(n, childrenOf(n.name)));
    lines.push('');
  }
  return lines.join('\n');
}

function describeNode(n: TopologyNode, children: readonly string[]): string[] {
  const out: string[] = [];
  if (n.kind === 'source') out.push(`    Source: ${n.name} (topics: [${n.topics.map((t) => t.name).join(', ')}])`);
  else if (n.kind === 'processor') out.push(`    Processor: ${n.name} (stores: [${n.stores.join(', ')}])`);
  else out.push(typeof n.topic === 'function' ? `    Sink: ${n.name} (extractor: ${n.topic.name || 'anonymous'})` : `    Sink: ${n.name} (topic: ${n.topic.name})`);
  if (n.kind !== 'sink') out.push(`      --> ${children.length === 0 ? 'none' : children.join(', ')}`);
  if (n.kind !== 'source') out.push(`      <-- ${n.parents.join(', ')}`);
  return out;
}
