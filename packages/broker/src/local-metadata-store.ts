import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GregorError, silentLogger, type Logger } from '@gregor/common';
import { writeFileAtomic } from './atomic-file';
import type {
  AlterPartitionRequest,
  BrokerEndpoint,
  MetadataEvent,
  MetadataSource,
  NewTopicSpec,
  PartitionAssignment,
  ProducerIdBlock,
  TopicMetadataView,
} from './metadata-source';
import type { TopicConfigOverrides } from './topic-config';

/** What is persisted: the node's cluster id and its topics. */
interface StoredTopic {
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

interface StoredMetadata {
  version: 1;
  clusterId: string;
  topics: Record<string, StoredTopic>;
  /** Next producer id to allocate, as a decimal string (added with idempotence; absent = 0). */
  nextProducerId?: string;
}

/** Producer ids per allocation on a single node: one file write serves a thousand producers (Kafka's block size). */
export const LOCAL_PRODUCER_ID_BLOCK_SIZE = 1000;

export const METADATA_FILE_NAME = 'metadata.json';

export interface LocalMetadataStoreOptions {
  /** Folder for metadata.json (created if missing). */
  dir: string;
  nodeId: number;
  /** When set, must match the stored cluster id (INCONSISTENT_CLUSTER_ID). */
  clusterId?: string;
  logger?: Logger;
}

/**
 * Single-node metadata: this node is the only broker, leads every partition,
 * and is the whole ISR; leader and partition epochs stay 0. Topics are kept in one JSON
 * file replaced atomically on each change, so they survive restarts and a
 * crash mid-write leaves the previous version. Writes are serialised; the
 * in-memory view changes only after the file is durable, so nothing is
 * announced that a restart could forget.
 */
export class LocalMetadataStore implements MetadataSource {
  private readonly listeners = new Set<(event: MetadataEvent) => void>();
  private readonly views = new Map<string, TopicMetadataView>();
  private endpoint: BrokerEndpoint | undefined;
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly nodeId: number,
    private state: StoredMetadata,
    private readonly logger: Logger,
  ) {
    for (const [name, topic] of Object.entries(state.topics)) this.views.set(name, this.viewOf(name, topic));
  }

  static async open(opts: LocalMetadataStoreOptions): Promise<LocalMetadataStore> {
    await mkdir(opts.dir, { recursive: true });
    const file = path.join(opts.dir, METADATA_FILE_NAME);
    const logger = opts.logger ?? silentLogger();
    let state: StoredMetadata;
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) {
      state = { version: 1, clusterId: opts.clusterId ?? randomUUID(), topics: {} };
      await writeFileAtomic(file, JSON.stringify(state, null, 2));
      logger.info('created metadata store', { file, clusterId: state.clusterId });
    } else {
      state = parseStored(file, text);
      if (opts.clusterId !== undefined && opts.clusterId !== '' && opts.clusterId !== state.clusterId) {
        throw new GregorError(
          'INCONSISTENT_CLUSTER_ID',
          `cluster.id "${opts.clusterId}" does not match "${state.clusterId}" stored in ${file}`,
        );
      }
      logger.info('loaded metadata store', { file, clusterId: state.clusterId, topics: Object.keys(state.topics).length });
    }
    return new LocalMetadataStore(file, opts.nodeId, state, logger);
  }

  get clusterId(): string {
    return this.state.clusterId;
  }

  controllerId(): number {
    return this.nodeId;
  }

  async registerBroker(endpoint: BrokerEndpoint): Promise<void> {
    if (endpoint.nodeId !== this.nodeId) {
      throw new GregorError('BROKER_ID_NOT_REGISTERED', `this store serves node ${this.nodeId}, not ${endpoint.nodeId}`);
    }
    this.endpoint = { ...endpoint };
  }

  liveBrokers(): readonly BrokerEndpoint[] {
    return this.endpoint === undefined ? [] : [this.endpoint];
  }

  /** This node, once it registered: it is the whole cluster. */
  registeredBrokerCount(): number {
    return this.endpoint === undefined ? 0 : 1;
  }

  brokerEndpoint(nodeId: number): BrokerEndpoint | undefined {
    return nodeId === this.nodeId ? this.endpoint : undefined;
  }

  /** No registration on a single node. */
  localBrokerEpoch(): bigint {
    return -1n;
  }

  /**
   * The ISR of a single-node partition is always [this node] and nothing
   * ever asks to change it; anything else is answered as the controller would.
   */
  async alterPartition(topic: string, partition: number, request: AlterPartitionRequest): Promise<PartitionAssignment> {
    const assignment = this.views.get(topic)?.partitions[partition];
    if (assignment === undefined) {
      throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${topic}-${partition}`, { topic, partition });
    }
    if (request.leaderEpoch !== assignment.leaderEpoch) {
      throw new GregorError('FENCED_LEADER_EPOCH', `leader epoch ${request.leaderEpoch} is not the current ${assignment.leaderEpoch}`, {
        topic,
        partition,
      });
    }
    if (request.partitionEpoch !== assignment.partitionEpoch) {
      throw new GregorError('INVALID_UPDATE_VERSION', `partition epoch ${request.partitionEpoch} is not the current ${assignment.partitionEpoch}`, {
        topic,
        partition,
      });
    }
    if (request.isr.length !== 1 || request.isr[0] !== this.nodeId) {
      throw new GregorError('INVALID_REQUEST', `the ISR of a single-node partition is [${this.nodeId}]`, { topic, partition });
    }
    return assignment;
  }

  topic(name: string): TopicMetadataView | undefined {
    return this.views.get(name);
  }

  topics(): readonly TopicMetadataView[] {
    return [...this.views.values()];
  }

  createTopic(spec: NewTopicSpec): Promise<TopicMetadataView> {
    return this.mutate(() => {
      if (this.state.topics[spec.name] !== undefined) {
        throw new GregorError('TOPIC_ALREADY_EXISTS', `topic "${spec.name}" already exists`, { topic: spec.name });
      }
      // Placement on one node: every replica would land on the same broker.
      if (spec.replicationFactor > 1) {
        throw new GregorError(
          'INVALID_REPLICATION_FACTOR',
          `replication factor ${spec.replicationFactor} is larger than the 1 available broker`,
          { topic: spec.name },
        );
      }
      const stored: StoredTopic = {
        topicId: randomUUID(),
        numPartitions: spec.numPartitions,
        replicationFactor: spec.replicationFactor,
        configs: { ...spec.configs },
      };
      return { next: { ...this.state, topics: { ...this.state.topics, [spec.name]: stored } }, name: spec.name };
    }).then(({ name }) => {
      const view = this.views.get(name)!;
      this.emit({ type: 'topic-created', topic: view });
      return view;
    });
  }

  async deleteTopic(name: string): Promise<void> {
    const { topicId } = await this.mutate(() => {
      const existing = this.state.topics[name];
      if (existing === undefined) {
        throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
      }
      const topics = { ...this.state.topics };
      delete topics[name];
      return { next: { ...this.state, topics }, topicId: existing.topicId };
    });
    this.emit({ type: 'topic-deleted', name, topicId });
  }

  async setTopicConfigs(name: string, configs: TopicConfigOverrides): Promise<void> {
    await this.mutate(() => {
      const existing = this.state.topics[name];
      if (existing === undefined) {
        throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
      }
      return { next: { ...this.state, topics: { ...this.state.topics, [name]: { ...existing, configs: { ...configs } } } } };
    });
    this.emit({ type: 'configs-changed', topic: this.views.get(name)! });
  }

  /**
   * Grows a topic on this node (every partition is led here, ISR [this
   * node]); persisted before the view changes, then announced as
   * 'partition-changed' for the new partitions so the replica manager opens
   * their logs and leads them.
   */
  async createPartitions(name: string, totalCount: number, opts: { validateOnly?: boolean } = {}): Promise<void> {
    const check = (): StoredTopic => {
      const existing = this.state.topics[name];
      if (existing === undefined) {
        throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
      }
      if (!Number.isInteger(totalCount) || totalCount <= existing.numPartitions) {
        throw new GregorError('INVALID_PARTITIONS', `topic "${name}" has ${existing.numPartitions} partitions; the new count ${totalCount} must be larger`, {
          topic: name,
        });
      }
      return existing;
    };
    if (opts.validateOnly === true) {
      check();
      return;
    }
    const { before } = await this.mutate(() => {
      const existing = check();
      const grown: StoredTopic = { ...existing, numPartitions: totalCount };
      return { next: { ...this.state, topics: { ...this.state.topics, [name]: grown } }, before: existing.numPartitions };
    });
    const added = Array.from({ length: totalCount - before }, (_, i) => before + i);
    this.emit({ type: 'partition-changed', topic: this.views.get(name)!, partitions: added });
  }

  /**
   * The next block of producer ids, durable in metadata.json before it is
   * handed out, so a restart never gives an id twice.
   */
  async allocateProducerIds(): Promise<ProducerIdBlock> {
    const { first } = await this.mutate(() => {
      const first = BigInt(this.state.nextProducerId ?? '0');
      return { next: { ...this.state, nextProducerId: (first + BigInt(LOCAL_PRODUCER_ID_BLOCK_SIZE)).toString() }, first };
    });
    return { firstProducerId: first, size: LOCAL_PRODUCER_ID_BLOCK_SIZE };
  }

  subscribe(listener: (event: MetadataEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `decide` after every earlier write, persists its result, then
   * swaps the in-memory state. Errors thrown by `decide` leave both as
   * they were.
   */
  private mutate<R extends { next: StoredMetadata }>(decide: () => R): Promise<R> {
    const run = this.writeChain.then(async () => {
      const result = decide();
      await writeFileAtomic(this.file, JSON.stringify(result.next, null, 2));
      this.state = result.next;
      this.views.clear();
      for (const [name, topic] of Object.entries(this.state.topics)) this.views.set(name, this.viewOf(name, topic));
      return result;
    });
    this.writeChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private viewOf(name: string, topic: StoredTopic): TopicMetadataView {
    const partitions: PartitionAssignment[] = [];
    for (let p = 0; p < topic.numPartitions; p++) {
      partitions.push({ partition: p, leaderId: this.nodeId, leaderEpoch: 0, partitionEpoch: 0, replicas: [this.nodeId], isr: [this.nodeId] });
    }
    return { name, topicId: topic.topicId, replicationFactor: topic.replicationFactor, partitions, configs: { ...topic.configs } };
  }

  private emit(event: MetadataEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error('metadata listener failed', { err: String(err) });
      }
    }
  }
}

function parseStored(file: string, text: string): StoredMetadata {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`metadata file ${file} is not valid JSON: ${String(err)}`);
  }
  const v = value as Partial<StoredMetadata>;
  if (v.version !== 1 || typeof v.clusterId !== 'string' || typeof v.topics !== 'object' || v.topics === null) {
    throw new Error(`metadata file ${file} has an unexpected shape (version ${String(v.version)})`);
  }
  if (v.nextProducerId !== undefined && !/^\d+$/.test(String(v.nextProducerId))) {
    throw new Error(`metadata file ${file}: nextProducerId "${String(v.nextProducerId)}" is not a number`);
  }
  for (const [name, t] of Object.entries(v.topics)) {
    if (typeof t.topicId !== 'string' || !Number.isInteger(t.numPartitions) || t.numPartitions < 1) {
      throw new Error(`metadata file ${file}: topic "${name}" is malformed`);
    }
  }
  return v as StoredMetadata;
}
