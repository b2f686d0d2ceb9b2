import { assert } from '@gregor/common';
import type { BrokerListener, MetadataRecord, PartitionChangeRecord, RecordBatch } from './records';
import { decodeBigint, decodeJson, encodeJson } from './records';

/**
 * The cluster metadata as of one offset of the metadata log: a fold over the
 * committed records and nothing else, so every replica that applies the same
 * log holds the same image, and a snapshot of it (serialized in a canonical
 * order) is byte-for-byte the same on every replica.
 */

export interface BrokerRegistration {
  readonly brokerId: number;
  readonly incarnationId: string;
  /** Offset of the batch that registered this incarnation (KRaft's broker epoch). */
  readonly brokerEpoch: number;
  readonly listeners: readonly BrokerListener[];
  readonly rack: string | null;
  readonly fenced: boolean;
  /**
   * Offset of the batch that fenced this incarnation last; absent while it
   * never was. Unfencing waits until the broker has applied it (heartbeat).
   */
  readonly fencedAtOffset?: number;
}

export interface PartitionState {
  readonly partition: number;
  /** Assignment order; replicas[0] is the preferred leader. */
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** -1 when no eligible leader exists. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  /** Indexed by partition id (0..n-1, no gaps). */
  readonly partitions: readonly PartitionState[];
}

/** What one batch changed: drives events, logs and the controller's follow-ups. */
export type MetadataChange =
  | { kind: 'broker-registered'; broker: BrokerRegistration; previous: BrokerRegistration | undefined }
  | { kind: 'broker-fenced'; broker: BrokerRegistration; reason?: string }
  | { kind: 'broker-unfenced'; broker: BrokerRegistration }
  | { kind: 'topic-created'; topic: TopicImage }
  | { kind: 'topic-deleted'; name: string; topicId: string }
  | { kind: 'partition-created'; topic: string; topicId: string; partition: PartitionState }
  | { kind: 'partition-changed'; topic: string; topicId: string; before: PartitionState; after: PartitionState; reason?: string }
  | { kind: 'configs-changed'; topic: string }
  | { kind: 'producer-ids'; brokerId: number; nextProducerId: bigint }
  | { kind: 'leader-change'; leaderId: number; term: number };

interface MutableTopic {
  name: string;
  topicId: string;
  partitions: PartitionState[];
}

export interface ImageSnapshotV1 {
  v: 1;
  offset: number;
  brokers: BrokerRegistration[];
  topics: TopicImage[];
  configs: [string, [string, string][]][];
  nextProducerId: bigint;
  leader: { leaderId: number; term: number } | null;
}

/** Replica lists are a handful of ids: a quadratic check beats building a Set. */
function hasDuplicates(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids.lastIndexOf(ids[i]!, i - 1) >= 0) return true;
  return false;
}

export class MetadataImage {
  private lastOffset = 0;
  private readonly brokersById = new Map<number, BrokerRegistration>();
  private readonly topicsById = new Map<string, MutableTopic>();
  private readonly topicIdsByName = new Map<string, string>();
  private readonly configsByTopic = new Map<string, Map<string, string>>();
  private producerIdNext = 0n;
  private lastLeader: { leaderId: number; term: number } | null = null;

  /** Offset (Raft index) of the last entry applied. */
  get offset(): number {
    return this.lastOffset;
  }

  get nextProducerId(): bigint {
    return this.producerIdNext;
  }

  /** The last leader-change record applied. */
  get lastLeaderChange(): { leaderId: number; term: number } | null {
    return this.lastLeader;
  }

  broker(id: number): BrokerRegistration | undefined {
    return this.brokersById.get(id);
  }

  /** Sorted by id. */
  brokers(): BrokerRegistration[] {
    return [...this.brokersById.values()].sort((a, b) => a.brokerId - b.brokerId);
  }

  isUnfenced(id: number): boolean {
    const b = this.brokersById.get(id);
    return b !== undefined && !b.fenced;
  }

  unfencedBrokerIds(): number[] {
    return this.brokers()
      .filter((b) => !b.fenced)
      .map((b) => b.brokerId);
  }

  topic(topicId: string): TopicImage | undefined {
    return this.topicsById.get(topicId);
  }

  topicByName(name: string): TopicImage | undefined {
    const id = this.topicIdsByName.get(name);
    return id === undefined ? undefined : this.topicsById.get(id);
  }

  /** Sorted by name. */
  topics(): TopicImage[] {
    return [...this.topicsById.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The topic's explicit config overrides, keys sorted. */
  topicConfigs(name: string): Record<string, string> {
    const m = this.configsByTopic.get(name);
    if (m === undefined) return {};
    return Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Applies a no-op entry (Raft's leader no-op): only the offset moves. */
  advanceTo(offset: number): void {
    assert(offset > this.lastOffset, `metadata offset went back: ${this.lastOffset} -> ${offset}`);
    this.lastOffset = offset;
  }

  /** Applies one committed batch at `offset`, all or nothing from the caller's view. */
  apply(batch: RecordBatch, offset: number): MetadataChange[] {
    this.advanceTo(offset);
    const changes: MetadataChange[] = [];
    const createdTopicIds = new Set<string>();
    for (const record of batch.records) this.applyRecord(record, offset, changes, createdTopicIds);
    return changes;
  }

  /** `createdTopicIds`: topics created earlier in the same batch (their partitions are part of topic-created). */
  private applyRecord(r: MetadataRecord, offset: number, out: MetadataChange[], createdTopicIds: Set<string>): void {
    switch (r.type) {
      case 'register-broker': {
        const previous = this.brokersById.get(r.brokerId);
        assert(Number.isInteger(r.brokerId) && r.brokerId >= 0, `bad broker id ${r.brokerId}`);
        const broker: BrokerRegistration = {
          brokerId: r.brokerId,
          incarnationId: r.incarnationId,
          brokerEpoch: offset,
          listeners: r.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })),
          rack: r.rack,
          fenced: true,
        };
        this.brokersById.set(r.brokerId, broker);
        out.push({ kind: 'broker-registered', broker, previous });
        return;
      }
      case 'fence-broker':
      case 'unfence-broker': {
        const b = this.brokersById.get(r.brokerId);
        assert(b !== undefined, `${r.type} for unregistered broker ${r.brokerId}`);
        assert(b.brokerEpoch === r.brokerEpoch, `${r.type} for broker ${r.brokerId} epoch ${r.brokerEpoch}, current ${b.brokerEpoch}`);
        const broker = r.type === 'fence-broker' ? { ...b, fenced: true, fencedAtOffset: offset } : { ...b, fenced: false };
        this.brokersById.set(r.brokerId, broker);
        if (r.type === 'fence-broker') out.push({ kind: 'broker-fenced', broker, ...(r.reason !== undefined ? { reason: r.reason } : {}) });
        else out.push({ kind: 'broker-unfenced', broker });
        return;
      }
      case 'topic': {
        assert(!this.topicIdsByName.has(r.name), `topic ${r.name} already exists`);
        assert(!this.topicsById.has(r.topicId), `topic id ${r.topicId} already exists`);
        const topic: MutableTopic = { name: r.name, topicId: r.topicId, partitions: [] };
        this.topicsById.set(r.topicId, topic);
        this.topicIdsByName.set(r.name, r.topicId);
        out.push({ kind: 'topic-created', topic });
        createdTopicIds.add(r.topicId);
        return;
      }
      case 'partition': {
        const topic = this.topicsById.get(r.topicId);
        if (topic === undefined) assert(false, `partition record for unknown topic id ${r.topicId}`);
        if (r.partition !== topic.partitions.length) assert(false, `partition ${r.partition} of ${topic.name} is not the next (${topic.partitions.length})`);
        const state: PartitionState = {
          partition: r.partition,
          replicas: [...r.replicas],
          isr: [...r.isr],
          leader: r.leader,
          leaderEpoch: 0,
          partitionEpoch: 0,
        };
        checkPartition(state, `${topic.name}-${r.partition}`);
        topic.partitions.push(state);
        // A partition created in the same batch as its topic is part of topic-created.
        if (!createdTopicIds.has(r.topicId)) out.push({ kind: 'partition-created', topic: topic.name, topicId: topic.topicId, partition: state });
        return;
      }
      case 'partition-change':
        this.applyPartitionChange(r, out);
        return;
      case 'remove-topic': {
        const topic = this.topicsById.get(r.topicId);
        assert(topic !== undefined, `remove-topic for unknown topic id ${r.topicId}`);
        this.topicsById.delete(r.topicId);
        this.topicIdsByName.delete(topic.name);
        this.configsByTopic.delete(topic.name);
        out.push({ kind: 'topic-deleted', name: topic.name, topicId: topic.topicId });
        return;
      }
      case 'config': {
        assert(this.topicIdsByName.has(r.topic), `config record for unknown topic ${r.topic}`);
        let m = this.configsByTopic.get(r.topic);
        if (m === undefined) {
          m = new Map();
          this.configsByTopic.set(r.topic, m);
        }
        if (r.value === null) m.delete(r.key);
        else m.set(r.key, r.value);
        if (m.size === 0) this.configsByTopic.delete(r.topic);
        if (!out.some((c) => c.kind === 'configs-changed' && c.topic === r.topic)) out.push({ kind: 'configs-changed', topic: r.topic });
        return;
      }
      case 'producer-ids': {
        const next = BigInt(r.nextProducerId);
        assert(next > this.producerIdNext, `producer id block goes back: ${this.producerIdNext} -> ${next}`);
        this.producerIdNext = next;
        out.push({ kind: 'producer-ids', brokerId: r.brokerId, nextProducerId: next });
        return;
      }
      case 'leader-change':
        this.lastLeader = { leaderId: r.leaderId, term: r.term };
        out.push({ kind: 'leader-change', leaderId: r.leaderId, term: r.term });
        return;
    }
  }

  private applyPartitionChange(r: PartitionChangeRecord, out: MetadataChange[]): void {
    const topic = this.topicsById.get(r.topicId);
    if (topic === undefined) assert(false, `partition-change for unknown topic id ${r.topicId}`);
    const before = topic.partitions[r.partition];
    if (before === undefined) assert(false, `partition-change for unknown partition ${topic.name}-${r.partition}`);
    const leaderChanged = r.leader !== undefined && r.leader !== before.leader;
    const after: PartitionState = {
      ...before,
      leader: r.leader ?? before.leader,
      isr: r.isr !== undefined ? [...r.isr] : before.isr,
      leaderEpoch: leaderChanged ? before.leaderEpoch + 1 : before.leaderEpoch,
      partitionEpoch: before.partitionEpoch + 1,
    };
    checkPartition(after, `${topic.name}-${r.partition}`);
    topic.partitions[r.partition] = after;
    out.push({ kind: 'partition-changed', topic: topic.name, topicId: topic.topicId, before, after, ...(r.reason !== undefined ? { reason: r.reason } : {}) });
  }

  /** The whole image, canonical order, so equal images give equal bytes. */
  toSnapshot(): Uint8Array {
    const snap: ImageSnapshotV1 = {
      v: 1,
      offset: this.lastOffset,
      brokers: this.brokers(),
      topics: this.topics(),
      configs: [...this.configsByTopic.keys()].sort().map((t) => [t, Object.entries(this.topicConfigs(t))]),
      nextProducerId: this.producerIdNext,
      leader: this.lastLeader,
    };
    return encodeJson(snap);
  }

  static fromSnapshot(data: Uint8Array): MetadataImage {
    const snap = decodeJson(data) as ImageSnapshotV1;
    assert(snap.v === 1, `metadata snapshot version ${String(snap.v)} is not 1`);
    const image = new MetadataImage();
    image.lastOffset = snap.offset;
    for (const b of snap.brokers) image.brokersById.set(b.brokerId, b);
    for (const t of snap.topics) {
      for (const p of t.partitions) checkPartition(p, `${t.name}-${p.partition}`);
      image.topicsById.set(t.topicId, { name: t.name, topicId: t.topicId, partitions: [...t.partitions] });
      image.topicIdsByName.set(t.name, t.topicId);
    }
    for (const [topic, entries] of snap.configs) image.configsByTopic.set(topic, new Map(entries));
    image.producerIdNext = decodeBigint(snap.nextProducerId, 'snapshot nextProducerId');
    image.lastLeader = snap.leader;
    return image;
  }
}

/**
 * Partition invariants, checked on every change: distinct replicas, the ISR a
 * non-empty subset of them (the last ISR member is kept even when fenced, so
 * that no out-of-sync replica is ever elected by accident), and the leader
 * (when there is one) in the ISR.
 */
function checkPartition(p: PartitionState, name: string): void {
  // Messages are built only on failure: this runs for each of a large
  // topic's partitions in one apply, and eager template strings (joins of
  // the replica lists) were a good part of that apply's time.
  if (p.replicas.length === 0) assert(false, `${name} has no replicas`);
  if (hasDuplicates(p.replicas)) assert(false, `${name} replicas has duplicates: [${p.replicas.join(',')}]`);
  if (hasDuplicates(p.isr)) assert(false, `${name} isr has duplicates: [${p.isr.join(',')}]`);
  if (p.isr.length === 0) assert(false, `${name} has an empty ISR`);
  if (!p.isr.every((id) => p.replicas.includes(id))) {
    assert(false, `${name} ISR [${p.isr.join(',')}] is not within replicas [${p.replicas.join(',')}]`);
  }
  if (p.leader !== -1 && !p.isr.includes(p.leader)) assert(false, `${name} leader ${p.leader} is not in ISR [${p.isr.join(',')}]`);
  if (p.leaderEpoch < 0 || p.partitionEpoch < 0) assert(false, `${name} has a negative epoch`);
}
