import { GregorError, pollUntil } from '@gregor/common';
import { FETCH_API, KafkaWireClient, METADATA_API } from '@gregor/kafka-protocol';

/** Metadata v12: topics by name, leaders with epochs. */
const METADATA_VERSION = 12;
/** Fetch v12: the highest the KAFKA listener serves (topics by name, flexible). */
export const FETCH_VERSION = 12;

/**
 * The bench's view of a cluster through its KAFKA listeners: one pipelined
 * KafkaWireClient per broker (opened on first use) and the partition
 * leaders of the topics it was asked about. No refresh: a benchmark on a
 * cluster whose leaders move fails with the broker's error instead.
 */
export class KafkaBenchCluster {
  private readonly connections = new Map<number, Promise<KafkaWireClient>>();
  private readonly addresses = new Map<number, string>();
  private readonly leaders = new Map<string, number[]>();

  private constructor(private readonly bootstrap: KafkaWireClient) {}

  static async connect(bootstrap: readonly string[]): Promise<KafkaBenchCluster> {
    let lastError: unknown;
    for (const address of bootstrap) {
      try {
        return new KafkaBenchCluster(await KafkaWireClient.connect(address, { clientId: 'gregor-bench' }));
      } catch (err) {
        lastError = err;
      }
    }
    throw new GregorError('NETWORK_EXCEPTION', `no KAFKA listener of ${bootstrap.join(',')} answers`, {}, lastError);
  }

  /**
   * Waits (up to `timeoutMs`) until every partition of `topic` has a leader
   * that serves it; returns the partition count. Serving is checked with an
   * empty Fetch to each leader: Metadata from one broker can name a leader
   * before that leader has applied the change, and the bench does not retry.
   */
  async waitForLeaders(topic: string, timeoutMs = 30_000): Promise<number> {
    return pollUntil(
      async () => {
        const count = await this.lookUpLeaders(topic);
        if (count === undefined) return undefined;
        for (const [leader, partitions] of this.partitionsByLeader(topic)) {
          const conn = await this.connection(leader);
          const res = await conn.send(FETCH_API, FETCH_VERSION, {
            replicaId: -1,
            maxWaitMs: 0,
            minBytes: 0,
            maxBytes: 1,
            sessionEpoch: -1,
            topics: [{ topic, partitions: partitions.map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1, currentLeaderEpoch: -1 })) }],
          });
          if (res.errorCode !== 0 || res.responses.some((t) => t.partitions.some((p) => p.errorCode !== 0))) return undefined;
        }
        return count;
      },
      { timeoutMs, what: `a serving leader for every partition of ${topic} (Metadata and Fetch on the KAFKA listeners)` },
    );
  }

  /** Leaders from Metadata, when every partition has one. */
  private async lookUpLeaders(topic: string): Promise<number | undefined> {
    const res = await this.bootstrap.send(METADATA_API, METADATA_VERSION, { topics: [{ name: topic }], allowAutoTopicCreation: false });
    for (const b of res.brokers) this.addresses.set(b.nodeId, `${b.host}:${b.port}`);
    const t = res.topics.find((x) => x.name === topic);
    if (t === undefined || t.errorCode !== 0) return undefined;
    if (t.partitions.length === 0 || t.partitions.some((p) => p.errorCode !== 0 || p.leaderId < 0 || !this.addresses.has(p.leaderId))) return undefined;
    const leaders: number[] = [];
    for (const p of t.partitions) leaders[p.partitionIndex] = p.leaderId;
    this.leaders.set(topic, leaders);
    return leaders.length;
  }

  leaderOf(topic: string, partition: number): number {
    const leader = this.leaders.get(topic)?.[partition];
    if (leader === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `no leader known for ${topic}-${partition} (call waitForLeaders first)`, { topic, partition });
    return leader;
  }

  /** The partitions of `topic` grouped by leader. */
  partitionsByLeader(topic: string): Map<number, number[]> {
    const byLeader = new Map<number, number[]>();
    (this.leaders.get(topic) ?? []).forEach((leader, partition) => {
      let list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, (list = []));
      list.push(partition);
    });
    return byLeader;
  }

  /** Any connection (InitProducerId and other requests any broker answers). */
  any(): KafkaWireClient {
    return this.bootstrap;
  }

  /** The connection to broker `nodeId` (opened once). */
  connection(nodeId: number): Promise<KafkaWireClient> {
    let c = this.connections.get(nodeId);
    if (c === undefined) {
      const address = this.addresses.get(nodeId);
      if (address === undefined) return Promise.reject(new GregorError('BROKER_NOT_AVAILABLE', `broker ${nodeId} is not in the metadata`, { nodeId }));
      c = KafkaWireClient.connect(address, { clientId: 'gregor-bench' });
      this.connections.set(nodeId, c);
    }
    return c;
  }

  async close(): Promise<void> {
    this.bootstrap.close();
    for (const c of this.connections.values()) (await c.catch(() => undefined))?.close();
    this.connections.clear();
  }
}
