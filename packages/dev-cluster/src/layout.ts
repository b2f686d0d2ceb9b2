/**
 * Where each node of a local cluster listens (DESIGN.md §9): node i (1-based)
 * gets base+i-1 for the client API, +100 for the controller quorum, +200 for
 * HTTP and +300 for the Kafka listener, so `--base-port` shifts all four and
 * two clusters can run side by side.
 */
export interface NodeLayout {
  id: number;
  host: string;
  clientPort: number;
  controllerPort: number;
  httpPort: number;
  kafkaPort: number;
  dataDir: string;
}

export const DEFAULT_BASE_PORT = 9092;

export function nodeLayout(id: number, basePort: number, dir: string, host = '127.0.0.1'): NodeLayout {
  const offset = id - 1;
  return {
    id,
    host,
    clientPort: basePort + offset,
    controllerPort: basePort + 100 + offset,
    httpPort: basePort + 200 + offset,
    kafkaPort: basePort + 300 + offset,
    dataDir: `${dir}/node-${id}`,
  };
}

/** One listener's port in the layout, with the node and listener it is for (to name it in errors). */
export interface LayoutPort {
  port: number;
  nodeId: number;
  listener: 'client' | 'controller' | 'HTTP' | 'Kafka';
}

/** Every port the layout of `nodes` nodes from `basePort` reserves. */
export function layoutPorts(nodes: number, basePort: number): LayoutPort[] {
  const ports: LayoutPort[] = [];
  for (let id = 1; id <= nodes; id++) {
    const l = nodeLayout(id, basePort, '');
    ports.push(
      { port: l.clientPort, nodeId: id, listener: 'client' },
      { port: l.controllerPort, nodeId: id, listener: 'controller' },
      { port: l.httpPort, nodeId: id, listener: 'HTTP' },
      { port: l.kafkaPort, nodeId: id, listener: 'Kafka' },
    );
  }
  return ports;
}

/** `1@127.0.0.1:9192,2@127.0.0.1:9193,…` — Kafka's controller.quorum.voters format. */
export function quorumVoters(nodes: readonly NodeLayout[]): string {
  return nodes.map((n) => `${n.id}@${n.host}:${n.controllerPort}`).join(',');
}

/**
 * Topic defaults sized to a cluster of `nodes` nodes, as docker compose and
 * a production Kafka cluster set them: replication factor 3 (fewer when there
 * are fewer nodes) and min.insync.replicas one less, so that a topic created
 * without flags survives one dead node and acks=all still works while it is
 * down. A node's own defaults (1/1) suit only a single node: with them a
 * `dev-cluster kill` leaves a third of a 3-node cluster's partitions without
 * a leader.
 */
export function topicDefaults(nodes: number): { 'default.replication.factor': string; 'min.insync.replicas': string } {
  const replicationFactor = Math.max(1, Math.min(3, nodes));
  return { 'default.replication.factor': String(replicationFactor), 'min.insync.replicas': String(Math.max(1, replicationFactor - 1)) };
}

/** The properties file a node of the dev cluster starts with; `extra` overrides any of it. */
export function nodeProperties(node: NodeLayout, all: readonly NodeLayout[], extra: Readonly<Record<string, string>> = {}): string {
  const props: Record<string, string> = {
    'node.id': String(node.id),
    'process.roles': 'broker,controller',
    'log.dirs': node.dataDir,
    listeners: `CLIENT://${node.host}:${node.clientPort},CONTROLLER://${node.host}:${node.controllerPort},HTTP://${node.host}:${node.httpPort},KAFKA://${node.host}:${node.kafkaPort}`,
    'controller.quorum.voters': quorumVoters(all),
    ...topicDefaults(all.length),
    ...extra,
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n');
}
