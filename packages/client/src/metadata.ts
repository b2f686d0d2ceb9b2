import type { GregorError } from '@gregor/common';
import type { MetadataResponse__Output } from '@gregor/proto';
import { errorFromWire } from './errors';
import { hostPort } from './wire';

/** A broker as metadata names it. */
export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
  /** "host:port", the key of its connection. */
  address: string;
}

export interface PartitionInfo {
  partition: number;
  /** -1 when the partition has no leader right now. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  error: GregorError | null;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  isInternal: boolean;
  /** Sorted by partition number. */
  partitions: PartitionInfo[];
  error: GregorError | null;
}

export interface ClusterMetadata {
  clusterId: string;
  controllerId: number;
  brokers: BrokerInfo[];
  topics: TopicInfo[];
}

/** Generated types stop here: the rest of the SDK sees ClusterMetadata. */
export function parseMetadata(res: MetadataResponse__Output): ClusterMetadata {
  return {
    clusterId: res.clusterId,
    controllerId: res.controllerId,
    brokers: res.brokers.map((b) => ({
      nodeId: b.nodeId,
      host: b.host,
      port: b.port,
      rack: b.rack === '' ? null : b.rack,
      address: hostPort(b.host, b.port),
    })),
    topics: res.topics.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      isInternal: t.isInternal,
      error: errorFromWire(t.error, { topic: t.name }) ?? null,
      partitions: t.partitions
        .map((p) => ({
          partition: p.partition,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: [...p.replicaNodes],
          isr: [...p.isrNodes],
          offlineReplicas: [...p.offlineReplicas],
          error: errorFromWire(p.error, { topic: t.name, partition: p.partition }) ?? null,
        }))
        .sort((a, b) => a.partition - b.partition),
    })),
  };
}

/**
 * The client's picture of the cluster. Pure: the Cluster class feeds it
 * responses and asks it questions.
 */
export class MetadataCache {
  private brokers = new Map<number, BrokerInfo>();
  private readonly topics = new Map<string, TopicInfo>();
  /** Last error metadata gave for a topic it does not have (unknown, invalid name). */
  private readonly topicErrors = new Map<string, GregorError>();
  clusterId = '';
  controllerId = -1;
  /** Monotonic ms of the last update; -Infinity before the first. */
  updatedAtMs = Number.NEGATIVE_INFINITY;
  /** Bumped by every update: "has metadata been refreshed since X?" */
  version = 0;

  /** `requested` = the topics asked for, or 'all' (then absent topics were deleted). */
  apply(md: ClusterMetadata, requested: readonly string[] | 'all', nowMs: number): void {
    this.brokers = new Map(md.brokers.map((b) => [b.nodeId, b]));
    this.clusterId = md.clusterId;
    this.controllerId = md.controllerId;
    this.updatedAtMs = nowMs;
    this.version++;
    const seen = new Set<string>();
    for (const t of md.topics) {
      seen.add(t.name);
      if (t.error !== null && t.partitions.length === 0) {
        this.topics.delete(t.name);
        this.topicErrors.set(t.name, t.error);
      } else {
        this.topics.set(t.name, t);
        this.topicErrors.delete(t.name);
      }
    }
    const asked = requested === 'all' ? [...this.topics.keys()] : requested;
    for (const name of asked) {
      if (!seen.has(name)) this.topics.delete(name);
    }
  }

  topic(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  topicError(name: string): GregorError | undefined {
    return this.topicErrors.get(name);
  }

  partition(topic: string, partition: number): PartitionInfo | undefined {
    return this.topics.get(topic)?.partitions.find((p) => p.partition === partition);
  }

  /** The leader's node id, or undefined when unknown or leaderless. */
  leaderOf(topic: string, partition: number): number | undefined {
    const p = this.partition(topic, partition);
    return p === undefined || p.leader < 0 ? undefined : p.leader;
  }

  /** Partitions of `topic` that have a leader (the sticky partitioner prefers them). */
  availablePartitions(topic: string): number[] {
    return (this.topics.get(topic)?.partitions ?? []).filter((p) => p.leader >= 0).map((p) => p.partition);
  }

  broker(nodeId: number): BrokerInfo | undefined {
    return this.brokers.get(nodeId);
  }

  allBrokers(): BrokerInfo[] {
    return [...this.brokers.values()];
  }

  knownTopics(): string[] {
    return [...this.topics.keys()];
  }
}
