import { randomUUID } from 'node:crypto';
import { GregorError, type Clock } from '@gregor/common';
import type {
  AlterPartitionRequest,
  BrokerEndpoint,
  MetadataEvent,
  MetadataSource,
  NewTopicSpec,
  PartitionAssignment,
  ProducerIdBlock,
  TopicConfigOverrides,
  TopicMetadataView,
} from '@gregor/broker';

interface BrokerRecord {
  endpoint: BrokerEndpoint | undefined;
  fenced: boolean;
  epoch: bigint;
}

interface TopicRecord {
  topicId: string;
  replicationFactor: number;
  configs: TopicConfigOverrides;
  partitions: PartitionAssignment[];
}

export interface AlterPartitionCall {
  brokerId: number;
  topic: string;
  partition: number;
  request: AlterPartitionRequest;
  outcome: 'accepted' | string;
}

/**
 * An in-memory controller for multi-broker tests, where the test plays the
 * controller: it holds the one true metadata, hands each broker a
 * MetadataSource view, and lets the test fence brokers, move leadership,
 * bump epochs, and accept or reject AlterPartition. Views are updated
 * synchronously on every change, except for a broker the test has
 * `partition`ed away from metadata: it keeps its stale view (a zombie
 * leader) until `heal`.
 *
 * With a `heartbeatClock`, each source also answers lastHeartbeatAnswer as
 * a broker whose heartbeats the controller answers continuously while it
 * is connected: the answer's age is 0, and grows from the moment of
 * `partition` (on that clock) until `heal`. Without one, brokers know
 * nothing of heartbeats (as on a single node) and never step back. Each
 * answer carries the controller's metadata offset (one per publish); a
 * broker whose metadata alone is cut (`cutMetadata`) keeps getting answers
 * while its applied offset stays behind.
 */
export class FakeController {
  readonly clusterId = randomUUID();
  private readonly brokers = new Map<number, BrokerRecord>();
  private readonly topicRecords = new Map<string, TopicRecord>();
  private readonly sources = new Map<number, FakeMetadataSource>();
  private nextBrokerEpoch = 100n;
  /** Next producer id block start; blocks of 10 so tests cross block boundaries. */
  private nextProducerId = 1000n;
  readonly producerIdBlockSize = 10;
  readonly alterPartitionCalls: AlterPartitionCall[] = [];
  /** Return an error to reject an AlterPartition the normal checks accepted. */
  alterPartitionFilter: ((call: Omit<AlterPartitionCall, 'outcome'>) => GregorError | undefined) | undefined;

  /** Bumped on every publish: the metadata offset heartbeat answers report. */
  offset = 0;

  constructor(readonly heartbeatClock?: Clock) {}

  sourceFor(nodeId: number): FakeMetadataSource {
    let source = this.sources.get(nodeId);
    if (source === undefined) {
      source = new FakeMetadataSource(this, nodeId);
      this.sources.set(nodeId, source);
      source.sync(this.snapshot(), []);
    }
    return source;
  }

  // ---- what brokers call (through their source) ----

  register(nodeId: number, endpoint: BrokerEndpoint): bigint {
    const epoch = this.nextBrokerEpoch++;
    this.brokers.set(nodeId, { endpoint: { ...endpoint, brokerEpoch: epoch }, fenced: false, epoch });
    this.publish([]);
    return epoch;
  }

  liveBrokers(): BrokerEndpoint[] {
    return [...this.brokers.values()].filter((b) => !b.fenced && b.endpoint !== undefined).map((b) => b.endpoint!);
  }

  brokerEndpoint(nodeId: number): BrokerEndpoint | undefined {
    return this.brokers.get(nodeId)?.endpoint;
  }

  /** Registered brokers, fenced or not. */
  registeredBrokerCount(): number {
    return [...this.brokers.values()].filter((b) => b.endpoint !== undefined).length;
  }

  brokerEpoch(nodeId: number): bigint {
    return this.brokers.get(nodeId)?.epoch ?? -1n;
  }

  allocateProducerIds(): ProducerIdBlock {
    const first = this.nextProducerId;
    this.nextProducerId += BigInt(this.producerIdBlockSize);
    return { firstProducerId: first, size: this.producerIdBlockSize };
  }

  createTopic(spec: NewTopicSpec): TopicMetadataView {
    if (this.topicRecords.has(spec.name)) {
      throw new GregorError('TOPIC_ALREADY_EXISTS', `topic "${spec.name}" already exists`, { topic: spec.name });
    }
    const ids = this.liveBrokers()
      .map((b) => b.nodeId)
      .sort((a, b) => a - b);
    if (spec.replicationFactor > ids.length) {
      throw new GregorError('INVALID_REPLICATION_FACTOR', `replication factor ${spec.replicationFactor} > ${ids.length} brokers`, { topic: spec.name });
    }
    const partitions: PartitionAssignment[] = [];
    for (let p = 0; p < spec.numPartitions; p++) {
      const replicas = Array.from({ length: spec.replicationFactor }, (_, i) => ids[(p + i) % ids.length]!);
      partitions.push({ partition: p, leaderId: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0, replicas, isr: replicas });
    }
    this.topicRecords.set(spec.name, { topicId: randomUUID(), replicationFactor: spec.replicationFactor, configs: { ...spec.configs }, partitions });
    const view = this.view(spec.name)!;
    this.publish([{ type: 'topic-created', topic: view }]);
    return view;
  }

  deleteTopic(name: string): void {
    const t = this.topicRecords.get(name);
    if (t === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
    this.topicRecords.delete(name);
    this.publish([{ type: 'topic-deleted', name, topicId: t.topicId }]);
  }

  /** Grows a topic, placing new partitions as createTopic does (every replica in the ISR). */
  createPartitions(name: string, totalCount: number, validateOnly: boolean): void {
    const t = this.topicRecords.get(name);
    if (t === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
    const current = t.partitions.length;
    if (totalCount <= current) throw new GregorError('INVALID_PARTITIONS', `${name} has ${current} partitions, not fewer than ${totalCount}`, { topic: name });
    const ids = this.liveBrokers()
      .map((b) => b.nodeId)
      .sort((a, b) => a - b);
    if (t.replicationFactor > ids.length) {
      throw new GregorError('INVALID_REPLICATION_FACTOR', `replication factor ${t.replicationFactor} > ${ids.length} brokers`, { topic: name });
    }
    if (validateOnly) return;
    const added: number[] = [];
    for (let p = current; p < totalCount; p++) {
      const replicas = Array.from({ length: t.replicationFactor }, (_, i) => ids[(p + i) % ids.length]!);
      t.partitions.push({ partition: p, leaderId: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0, replicas, isr: replicas });
      added.push(p);
    }
    this.publish([{ type: 'partition-changed', topic: this.view(name)!, partitions: added }]);
  }

  setTopicConfigs(name: string, configs: TopicConfigOverrides): void {
    const t = this.topicRecords.get(name);
    if (t === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
    t.configs = { ...configs };
    this.publish([{ type: 'configs-changed', topic: this.view(name)! }]);
  }

  alterPartition(brokerId: number, topic: string, partition: number, request: AlterPartitionRequest): PartitionAssignment {
    const call = { brokerId, topic, partition, request };
    try {
      const a = this.assignment(topic, partition);
      if (request.leaderEpoch !== a.leaderEpoch) throw new GregorError('FENCED_LEADER_EPOCH', `leader epoch ${request.leaderEpoch} is not ${a.leaderEpoch}`);
      if (a.leaderId !== brokerId) throw new GregorError('NOT_LEADER_OR_FOLLOWER', `${brokerId} does not lead ${topic}-${partition}`);
      if (request.partitionEpoch !== a.partitionEpoch) {
        throw new GregorError('INVALID_UPDATE_VERSION', `partition epoch ${request.partitionEpoch} is not ${a.partitionEpoch}`);
      }
      const added = request.isr.filter((id) => !a.isr.includes(id));
      if (!request.isr.includes(brokerId) || added.some((id) => this.brokers.get(id)?.fenced !== false)) {
        throw new GregorError('INVALID_REQUEST', `ISR [${request.isr.join(',')}] is not acceptable`, { kafkaError: 'INELIGIBLE_REPLICA' });
      }
      const rejection = this.alterPartitionFilter?.(call);
      if (rejection !== undefined) throw rejection;
      const next = this.change(topic, partition, { isr: request.isr });
      this.alterPartitionCalls.push({ ...call, outcome: 'accepted' });
      return next;
    } catch (err) {
      this.alterPartitionCalls.push({ ...call, outcome: err instanceof GregorError ? err.errorName : String(err) });
      throw err;
    }
  }

  // ---- what tests do ----

  assignment(topic: string, partition: number): PartitionAssignment {
    const a = this.topicRecords.get(topic)?.partitions[partition];
    if (a === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${topic}-${partition}`);
    return a;
  }

  /**
   * Changes a partition as the controller would commit it: the partition
   * epoch always goes up, the leader epoch when the leader changes (or when
   * `bumpLeaderEpoch`). The ISR is kept in replica order.
   */
  change(topic: string, partition: number, c: { leaderId?: number; isr?: readonly number[]; bumpLeaderEpoch?: boolean }): PartitionAssignment {
    const t = this.topicRecords.get(topic)!;
    const a = t.partitions[partition]!;
    const leaderId = c.leaderId ?? a.leaderId;
    const isr = c.isr === undefined ? a.isr : a.replicas.filter((id) => c.isr!.includes(id));
    const next: PartitionAssignment = {
      ...a,
      leaderId,
      isr,
      leaderEpoch: leaderId !== a.leaderId || c.bumpLeaderEpoch === true ? a.leaderEpoch + 1 : a.leaderEpoch,
      partitionEpoch: a.partitionEpoch + 1,
    };
    t.partitions[partition] = next;
    this.publish([{ type: 'partition-changed', topic: this.view(topic)!, partitions: [partition] }]);
    return next;
  }

  /**
   * KRaft's reaction to a lost broker session: it leaves every ISR (unless
   * it is the last member), and partitions it led get a new leader from the
   * remaining ISR, or none.
   */
  fence(nodeId: number): void {
    const b = this.brokers.get(nodeId);
    if (b !== undefined) b.fenced = true;
    for (const [name, t] of this.topicRecords) {
      for (const a of t.partitions) {
        if (!a.replicas.includes(nodeId)) continue;
        const isr = a.isr.length > 1 ? a.isr.filter((id) => id !== nodeId) : a.isr;
        const leaderId = a.leaderId === nodeId ? (isr.find((id) => id !== nodeId) ?? -1) : a.leaderId;
        if (leaderId !== a.leaderId || isr.length !== a.isr.length) this.change(name, a.partition, { leaderId, isr });
      }
    }
    this.publish([]);
  }

  /** The broker's session is back (KRaft: heartbeats resumed and it caught up): it may lead and join ISRs again. */
  unfence(nodeId: number): void {
    const b = this.brokers.get(nodeId);
    if (b !== undefined) b.fenced = false;
    this.publish([]);
  }

  /** Cuts a broker off from metadata updates (and heartbeat answers): it keeps acting on what it last saw. */
  partition(nodeId: number): void {
    const source = this.sources.get(nodeId)!;
    source.connected = false;
    source.cutAtMs = this.heartbeatClock?.monotonicMs();
    source.markCut(this.offset);
  }

  /**
   * Stops metadata updates to a broker while its heartbeats are still
   * answered (the controller's connections to it fail, its own to the
   * controller work): it keeps acting on what it last saw. `heal` ends it.
   */
  cutMetadata(nodeId: number): void {
    this.sources.get(nodeId)!.connected = false;
  }

  /** Whether the broker is registered and fenced. */
  isFenced(nodeId: number): boolean {
    return this.brokers.get(nodeId)?.fenced === true;
  }

  /** Reconnects it; it catches up with one event per partition that changed. */
  heal(nodeId: number): void {
    const source = this.sources.get(nodeId)!;
    source.connected = true;
    source.cutAtMs = undefined;
    const events: MetadataEvent[] = [...this.topicRecords.keys()].map((name) => {
      const view = this.view(name)!;
      return { type: 'partition-changed', topic: view, partitions: view.partitions.map((p) => p.partition) };
    });
    source.sync(this.snapshot(), events);
  }

  view(name: string): TopicMetadataView | undefined {
    const t = this.topicRecords.get(name);
    if (t === undefined) return undefined;
    return { name, topicId: t.topicId, replicationFactor: t.replicationFactor, partitions: t.partitions.map((p) => ({ ...p })), configs: { ...t.configs } };
  }

  private snapshot(): Map<string, TopicMetadataView> {
    return new Map([...this.topicRecords.keys()].map((name) => [name, this.view(name)!]));
  }

  private publish(events: MetadataEvent[]): void {
    this.offset++;
    const snapshot = this.snapshot();
    for (const source of this.sources.values()) if (source.connected) source.sync(snapshot, events);
  }
}

/** One broker's MetadataSource, answered from its (possibly stale) copy of the controller's state. */
export class FakeMetadataSource implements MetadataSource {
  connected = true;
  /** When `partition` cut it off, on the controller's heartbeat clock. */
  cutAtMs: number | undefined;
  /** The controller's offset when this source last synced. */
  private applied = 0;
  /** The controller's offset when `partition` cut it off: what its last heartbeat answer said. */
  private offsetAtCut = 0;
  readonly lastHeartbeatAnswer?: () => { ageMs: number; fenced: boolean; controllerOffset: number } | undefined;
  readonly appliedOffset?: () => number;
  private topicViews = new Map<string, TopicMetadataView>();
  private readonly listeners = new Set<(event: MetadataEvent) => void>();

  constructor(
    private readonly controller: FakeController,
    private readonly nodeId: number,
  ) {
    const clock = controller.heartbeatClock;
    if (clock !== undefined) {
      const answering = (): boolean => this.connected || this.cutAtMs === undefined;
      this.lastHeartbeatAnswer = () => ({
        ageMs: answering() ? 0 : clock.monotonicMs() - this.cutAtMs!,
        fenced: this.connected && controller.isFenced(nodeId),
        controllerOffset: answering() ? controller.offset : this.offsetAtCut,
      });
      this.appliedOffset = () => this.applied;
    }
  }

  get clusterId(): string {
    return this.controller.clusterId;
  }

  sync(views: Map<string, TopicMetadataView>, events: MetadataEvent[]): void {
    this.applied = this.controller.offset;
    this.topicViews = views;
    for (const event of events) for (const l of this.listeners) l(event);
  }

  controllerId(): number {
    return 0;
  }

  async registerBroker(endpoint: BrokerEndpoint): Promise<void> {
    this.controller.register(this.nodeId, endpoint);
  }

  liveBrokers(): readonly BrokerEndpoint[] {
    return this.controller.liveBrokers();
  }

  brokerEndpoint(nodeId: number): BrokerEndpoint | undefined {
    return this.controller.brokerEndpoint(nodeId);
  }

  registeredBrokerCount(): number {
    return this.controller.registeredBrokerCount();
  }

  localBrokerEpoch(): bigint {
    return this.controller.brokerEpoch(this.nodeId);
  }

  topic(name: string): TopicMetadataView | undefined {
    return this.topicViews.get(name);
  }

  topics(): readonly TopicMetadataView[] {
    return [...this.topicViews.values()];
  }

  async createTopic(spec: NewTopicSpec): Promise<TopicMetadataView> {
    this.reachable();
    return this.controller.createTopic(spec);
  }

  async deleteTopic(name: string): Promise<void> {
    this.reachable();
    this.controller.deleteTopic(name);
  }

  async createPartitions(name: string, totalCount: number, opts: { validateOnly?: boolean } = {}): Promise<void> {
    this.reachable();
    this.controller.createPartitions(name, totalCount, opts.validateOnly ?? false);
  }

  async setTopicConfigs(name: string, configs: TopicConfigOverrides): Promise<void> {
    this.reachable();
    this.controller.setTopicConfigs(name, configs);
  }

  subscribe(listener: (event: MetadataEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async alterPartition(topic: string, partition: number, request: AlterPartitionRequest): Promise<PartitionAssignment> {
    this.reachable();
    return this.controller.alterPartition(this.nodeId, topic, partition, request);
  }

  async allocateProducerIds(): Promise<ProducerIdBlock> {
    this.reachable();
    return this.controller.allocateProducerIds();
  }

  /** `partition` cut it off while the controller was at `offset`. */
  markCut(offset: number): void {
    this.offsetAtCut = offset;
  }

  private reachable(): void {
    if (!this.connected) throw new GregorError('REQUEST_TIMED_OUT', `node ${this.nodeId} cannot reach the controller`);
  }
}
