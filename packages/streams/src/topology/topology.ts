import { GregorError, topicNameProblem } from '@gregor/common';
import type { ProcessorSupplier } from '../processor/api';
import type { Serde } from '../serdes';
import type { StoreSpec } from '../state/stores';
import { describeTopology } from './describe';
import type { SinkNode, SourceNode, TimestampExtractor, TopicNameExtractor, TopicRef, TopologyNode } from './nodes';
import { splitSubtopologies, type Subtopology } from './subtopologies';

export interface SerdePair<K, V> {
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
}

export interface SourceOptions<K, V> extends SerdePair<K, V> {
  timestampExtractor?: TimestampExtractor<K, V>;
}

/**
 * The processor graph (Kafka's Topology): sources read topics, processors
 * transform and may use state stores, sinks write topics. Built by hand
 * with the processor API or by the StreamsBuilder DSL; immutable in
 * practice once handed to a driver or a KafkaStreams instance.
 */
export class Topology {
  private readonly nodes: TopologyNode[] = [];
  private readonly byName = new Map<string, TopologyNode>();
  private readonly storeSpecs = new Map<string, StoreSpec>();
  /** store → processors using it */
  private readonly storeUsers = new Map<string, string[]>();
  /**
   * Records dropped for arriving after their window closed (windowed
   * aggregations, stream–stream joins), counted across the process's
   * tasks of this topology: the runtime exports it as a metric.
   */
  readonly lateRecords = { droppedLateRecords: 0 };
  /** Joins: every source topic of the sub-topology holding one must have the same partition count. */
  private readonly joinNodes: string[] = [];
  /** Global stores: every instance holds all partitions of the topic (the topic is the store's changelog). */
  private readonly globals: { spec: StoreSpec; topic: string }[] = [];

  addSource<K, V>(name: string, topics: string | readonly string[], serdes: SourceOptions<K, V>): this {
    const list = typeof topics === 'string' ? [topics] : topics;
    if (list.length === 0) throw invalid(`source "${name}" needs at least one topic`);
    for (const t of list) checkTopic(t);
    return this.addSourceRefs(name, list.map((t) => ({ name: t, internal: false })), serdes);
  }

  /** A source of internal topics (repartition), named without the application id. */
  addSourceRefs<K, V>(name: string, topics: readonly TopicRef[], serdes: SourceOptions<K, V>): this {
    const taken = new Set(this.nodes.flatMap((n) => (n.kind === 'source' ? n.topics.map((t) => t.name) : [])));
    for (const t of topics) if (taken.has(t.name)) throw invalid(`topic "${t.name}" is already read by another source`);
    const node: SourceNode = {
      kind: 'source',
      name,
      topics,
      keySerde: serdes.keySerde as Serde<unknown>,
      valueSerde: serdes.valueSerde as Serde<unknown>,
      ...(serdes.timestampExtractor === undefined ? {} : { timestampExtractor: serdes.timestampExtractor as TimestampExtractor<unknown, unknown> }),
    };
    return this.add(node);
  }

  addProcessor<KIn, VIn, KOut, VOut>(name: string, supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>, ...parents: string[]): this {
    this.checkParents(name, parents);
    return this.add({ kind: 'processor', name, supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, parents, stores: [] });
  }

  addSink<K, V>(name: string, topic: string | TopicRef | TopicNameExtractor<K, V>, serdes: SerdePair<K, V>, ...parents: string[]): this {
    this.checkParents(name, parents);
    const ref = typeof topic === 'string' ? { name: topic, internal: false } : topic;
    if (typeof ref !== 'function') checkTopic(ref.name);
    const node: SinkNode = {
      kind: 'sink',
      name,
      topic: ref as SinkNode['topic'],
      keySerde: serdes.keySerde as Serde<unknown>,
      valueSerde: serdes.valueSerde as Serde<unknown>,
      parents,
    };
    return this.add(node);
  }

  /** Registers a store and connects it to the named processors. */
  addStateStore(spec: StoreSpec, ...processors: string[]): this {
    if (this.storeSpecs.has(spec.name)) throw invalid(`state store "${spec.name}" is already added`);
    this.storeSpecs.set(spec.name, spec);
    this.storeUsers.set(spec.name, []);
    return this.connectProcessorAndStateStores(...processors.map((p) => [p, spec.name] as const));
  }

  connectProcessorAndStateStores(...pairs: (readonly [processor: string, store: string])[]): this {
    for (const [processor, store] of pairs) {
      const node = this.byName.get(processor);
      if (node === undefined || node.kind !== 'processor') throw invalid(`no processor "${processor}" to connect store "${store}" to`);
      const users = this.storeUsers.get(store);
      if (users === undefined) throw invalid(`no state store "${store}" (add it with addStateStore first)`);
      if (!node.stores.includes(store)) node.stores.push(store);
      if (!users.includes(processor)) users.push(processor);
    }
    return this;
  }

  /**
   * Marks a processor that joins: the source topics of its sub-topology
   * must be co-partitioned (equal partition counts), checked at start.
   */
  markJoin(processor: string): this {
    this.joinNodes.push(processor);
    return this;
  }

  /**
   * A global store (Kafka's addGlobalStore, table semantics): every
   * instance keeps the latest value per key of every partition of
   * `topic`, bytes as they are in the topic. Any processor may read it;
   * it is written only by the global updater, so it has no changelog.
   */
  addGlobalStore(spec: StoreSpec, topic: string): this {
    checkTopic(topic);
    if (this.storeSpecs.has(spec.name) || this.globals.some((g) => g.spec.name === spec.name)) throw invalid(`state store "${spec.name}" is already added`);
    if (spec.logging || spec.caching) throw invalid(`global store "${spec.name}" must have logging and caching off: its topic is its changelog`);
    this.globals.push({ spec, topic });
    return this;
  }

  globalStores(): readonly { spec: StoreSpec; topic: string }[] {
    return this.globals;
  }

  subtopologies(): Subtopology[] {
    return splitSubtopologies(this.nodes, this.storeUsers);
  }

  childrenOf(name: string): string[] {
    return this.nodes.filter((n) => n.kind !== 'source' && n.parents.includes(name)).map((n) => n.name);
  }

  node(name: string): TopologyNode | undefined {
    return this.byName.get(name);
  }

  store(name: string): StoreSpec | undefined {
    return this.storeSpecs.get(name);
  }

  /** Groups of topics that must have equal partition counts. */
  copartitioned(): TopicRef[][] {
    return this.subtopologies()
      .filter((s) => s.nodes.some((n) => this.joinNodes.includes(n.name)))
      .map((s) => [...s.sourceTopics]);
  }

  describe(): string {
    return describeTopology(this.subtopologies(), (n) => this.childrenOf(n), this.globals.map((g) => ({ store: g.spec.name, topic: g.topic })));
  }

  private add(node: TopologyNode): this {
    if (this.byName.has(node.name)) throw invalid(`a node named "${node.name}" already exists`);
    this.nodes.push(node);
    this.byName.set(node.name, node);
    return this;
  }

  private checkParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) throw invalid(`"${name}" needs at least one parent`);
    for (const p of parents) {
      const node = this.byName.get(p);
      if (node === undefined) throw invalid(`parent "${p}" of "${name}" does not exist (add parents first)`);
      if (node.kind === 'sink') throw invalid(`sink "${p}" cannot be the parent of "${name}"`);
    }
  }
}

function checkTopic(topic: string): void {
  const problem = topicNameProblem(topic);
  if (problem !== undefined) throw new GregorError('INVALID_TOPIC_EXCEPTION', problem, { topic });
}

/** A malformed topology is a configuration error of the application (Kafka's TopologyException). */
export function invalid(message: string): GregorError {
  return new GregorError('INVALID_CONFIG', `invalid topology: ${message}`);
}
