import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, partitionForKey, type Consumer, type ConsumerRecord, type Gregor, type Producer } from '@gregor/client';
import { GregorError, toGregorError, tpKey, type TopicPartition } from '@gregor/common';
import type { IncomingRecord } from '../processor/record-collector';
import type { KeyValueStore } from '../state/key-value-store';
import { serializeKey, type Serde } from '../serdes';
import { resolveTopic } from '../topology/nodes';
import type { Topology } from '../topology/topology';
import { AtLeastOnceCommitPath, ExactlyOnceCommitPath, isCommitConflict, type CommitPath } from './commit-path';
import { isolationLevel, resolveConfig, type ResolvedStreamsConfig, type StreamsConfig } from './config';
import { ensureInternalTopics } from './ensure-topics';
import { GlobalStateManager } from './global-state';
import { StandbyTasks } from './standby-tasks';
import { WarmStores } from './task-stores';
import { StreamsMetricsRegistry } from './metrics';
import { ProducerCollector } from './producer-collector';
import { ACTIVE_TASK, checkpointedTaskOffsetSums } from './member-info';
import { RepartitionPurger } from './repartition-purge';
import { keyQueryMetadata, streamsMetadataFromGroup, type KeyQueryMetadata, type StreamsMetadata } from './streams-metadata';
import { streamsTaskAssignor } from './task-assignor';
import { TaskManager } from './task-manager';

/** Kafka's KafkaStreams.State, the part that applies. */
export type StreamsState = 'CREATED' | 'REBALANCING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'ERROR';

export interface StreamsMetrics {
  processedRecords: number;
  commits: number;
  /** Output records the production handler dropped (logAndContinue). */
  droppedOutputRecords: number;
  /** Tasks this instance keeps standby copies of. */
  standbyTasks: number;
  /** Where the loop's time went, in ms: waiting in poll, in commits, and for acknowledgements (back-pressure). */
  pollWaitMs: number;
  commitMs: number;
  backPressureMs: number;
  restoredRecords: number;
  skippedRecords: number;
  tasks: number;
  /** Records polled but not processed yet: tasks waiting for an empty partition (maxTaskIdleMs). */
  bufferedRecords: number;
}

/** How long one poll waits for records: short, so commits and wall-clock punctuators stay on time. */
const POLL_TIMEOUT_MS = 100;

/**
 * A running streams application (Kafka's KafkaStreams): one consumer in
 * the group `applicationId` reading every source topic, one producer for
 * outputs and changelogs, and the tasks the group assigned to this
 * instance. One processing loop (Node has one thread; more instances, not
 * more threads, scale it out): poll → route each record to its task →
 * wall-clock punctuators → commit every commitIntervalMs.
 */
export class KafkaStreams {
  readonly config: ResolvedStreamsConfig;
  private readonly client: Gregor;
  private state: StreamsState = 'CREATED';
  private readonly listeners: ((next: StreamsState, prev: StreamsState) => void)[] = [];
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private tasks: TaskManager | undefined;
  private commitPath: CommitPath | undefined;
  private purger: RepartitionPurger | undefined;
  private collector: ProducerCollector | undefined;
  private global: GlobalStateManager | undefined;
  private standbys: StandbyTasks | undefined;
  private loop: Promise<void> | undefined;
  private shutdownDone: Promise<void> | undefined;
  private stopping = false;
  private txnInstanceId: string | undefined;
  /** When this instance last got an assignment (monotonic ms): probing rebalances are counted from it. */
  private lastAssignedMs = 0;
  private fatal: GregorError | undefined;
  private readonly counters = { processedRecords: 0, commits: 0, restoredRecords: 0, pollWaitMs: 0, commitMs: 0, backPressureMs: 0 };
  /** Prometheus metrics of this instance; serve `metricsRegistry.registry.metrics()` from the application. */
  readonly metricsRegistry: StreamsMetricsRegistry;

  constructor(
    private readonly topology: Topology,
    config: StreamsConfig,
  ) {
    this.config = resolveConfig(config, path.join(tmpdir(), 'gregor-streams'));
    this.client = createClient({ ...config.client, bootstrap: config.bootstrap, logger: this.config.logger, clock: this.config.clock });
    this.metricsRegistry = new StreamsMetricsRegistry(this.config.applicationId, {
      tasks: () => this.tasks?.size ?? 0,
      restoringStores: () => this.tasks?.restoringStores ?? 0,
      droppedLateRecords: () => topology.lateRecords.droppedLateRecords,
      skippedRecords: () => this.metrics().skippedRecords,
    });
  }

  get currentState(): StreamsState {
    return this.state;
  }

  /** The error that stopped the application (state ERROR), if any. */
  get error(): GregorError | undefined {
    return this.fatal;
  }

  onStateChange(listener: (next: StreamsState, prev: StreamsState) => void): void {
    this.listeners.push(listener);
  }

  metrics(): StreamsMetrics {
    const tasks = this.tasks?.all() ?? [];
    return {
      ...this.counters,
      skippedRecords: tasks.reduce((n, t) => n + t.skippedRecords, 0),
      droppedOutputRecords: this.collector?.droppedRecords ?? 0,
      standbyTasks: this.standbys?.size ?? 0,
      bufferedRecords: this.tasks?.bufferedRecords ?? 0,
      tasks: tasks.length,
    };
  }

  /**
   * Checks the source topics and co-partitioning, creates the internal
   * topics, joins the group and starts processing in the background.
   * Rejects (and the state becomes ERROR) when the topology cannot run here.
   */
  async start(): Promise<void> {
    if (this.state !== 'CREATED') throw new GregorError('INVALID_REQUEST', `start() called in state ${this.state}; a KafkaStreams instance starts once`);
    const { applicationId } = this.config;
    const log = this.config.logger;
    this.setState('REBALANCING');
    try {
      const plan = await ensureInternalTopics(this.client.admin(), this.topology, this.config);
      const changelogs = new Set(plan.internalTopics.filter((t) => t.kind === 'changelog').map((t) => t.topic));
      const eos = this.config.processingGuarantee === 'exactly_once_v2';
      this.producer = this.client.producer({ acks: 'all', lingerMs: 5, ...(eos ? { transactionalId: this.transactionalId(), transactionTimeoutMs: this.config.transactionTimeoutMs } : {}) });
      if (eos) {
        // Fences an earlier producer with this id (a previous run of this instance) and aborts what it left open.
        await this.producer.initTransactions();
        log.info('exactly_once_v2: transactional producer ready', { transactionalId: this.transactionalId() });
      }
      const repartitionTopics = new Set(plan.internalTopics.filter((t) => t.kind === 'repartition').map((t) => t.topic));
      if (repartitionTopics.size > 0) this.purger = new RepartitionPurger(this.client.admin(), repartitionTopics, this.config.repartitionPurgeIntervalMs, this.config.clock, log);
      const collector = new ProducerCollector(this.producer, (t) => changelogs.has(t), this.config.productionExceptionHandler, log);
      this.collector = collector;
      const taskTopics = new Map(this.topology.subtopologies().map((s) => [s.id, s.sourceTopics.map((t) => resolveTopic(applicationId, t))]));
      const warmStores = new WarmStores();
      const standbys = new StandbyTasks(this.topology, this.config, warmStores, log);
      this.standbys = standbys;
      const replicas = this.config.numStandbyReplicas;
      const standbyPlan = { changelogs: standbys.changelogsBySubtopology(), replicas };
      const consumer = this.client.consumer({
        groupId: applicationId,
        enableAutoCommit: false,
        autoOffsetReset: 'earliest',
        isolationLevel: isolationLevel(this.config),
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        heartbeatIntervalMs: this.config.heartbeatIntervalMs,
        partitionAssignors: [
          streamsTaskAssignor(taskTopics, standbyPlan, {
            localState: () => ({ taskOffsetSums: this.localTaskOffsetSums(), activeOffsetSums: new Map([...(this.tasks?.changelogOffsetSums() ?? [])].map(([t, sum]) => [t, sum.toString()])) }),
            ...(this.config.applicationServer === undefined ? {} : { applicationServer: this.config.applicationServer }),
            warmup: { maxWarmupReplicas: this.config.maxWarmupReplicas, acceptableRecoveryLag: this.config.acceptableRecoveryLag },
          }),
        ],
        ...(this.config.groupInstanceId === undefined ? {} : { groupInstanceId: this.config.groupInstanceId }),
      });
      this.consumer = consumer;
      const commitPath = eos ? new ExactlyOnceCommitPath(collector, this.producer, consumer, log) : new AtLeastOnceCommitPath(collector, consumer);
      this.commitPath = commitPath;
      const onRestored = (n: number): void => {
        this.counters.restoredRecords += n;
        this.metricsRegistry.restored.inc(n);
      };
      const global = new GlobalStateManager(this.topology, this.config, this.client, log, onRestored, (err) => {
        this.fail(err);
        this.stopping = true;
      });
      this.global = global;
      await global.start();
      const tasks = new TaskManager({ topology: this.topology, config: this.config, client: this.client, commitPath, collector, logger: log, onRestored, globalStores: global.typed, warmStores });
      this.tasks = tasks;
      // Standbys read the changelogs through the group too, so the assignor can place them.
      // Warm-ups (KIP-441) are standbys too.
      const standbyTopics = replicas > 0 || this.config.maxWarmupReplicas > 0 ? [...standbyPlan.changelogs.values()].flat() : [];
      consumer.subscribe([...new Set([...[...taskTopics.values()].flat(), ...standbyTopics])], {
        onPartitionsAssigned: async (tps) => this.onAssigned(tps),
        onPartitionsRevoked: async (tps) => this.onRevoked(tps),
        onPartitionsLost: async (tps) => {
          await tasks.closeTasks(tasks.taskIdsOf(tps), false);
          await standbys.close(tps);
          // exactly_once_v2: the open transaction holds the lost tasks' writes too; it cannot commit, so the rest go back to their last commit.
          if (eos) {
            await commitPath.abort();
            await this.reviveTasks();
          }
        },
      });
      log.info('streams application started', { applicationId, subtopologies: taskTopics.size, internalTopics: plan.internalTopics.map((t) => t.topic), changelogs: [...changelogs] });
    } catch (err) {
      this.fail(err);
      await this.shutdown();
      throw this.fatal;
    }
    this.loop = this.run();
  }

  /**
   * The state this instance holds per task, for its subscription (the
   * leader places free tasks where their state is): checkpointed task
   * directories, standbys (their applied positions, if further), and
   * running active tasks (caught up).
   */
  private localTaskOffsetSums(): Map<string, string> {
    const sums = checkpointedTaskOffsetSums(path.join(this.config.stateDir, this.config.applicationId));
    for (const [task, sum] of this.standbys?.taskOffsetSums() ?? []) if (sum > (sums.get(task) ?? -1n)) sums.set(task, sum);
    const out = new Map([...sums].map(([task, sum]) => [task, sum.toString()]));
    for (const t of this.tasks?.all() ?? []) out.set(t.idString, ACTIVE_TASK);
    return out;
  }

  /** Commits, closes every task, leaves the group and closes the clients. */
  async close(): Promise<void> {
    this.stopping = true;
    if (this.state !== 'ERROR' && this.state !== 'NOT_RUNNING') this.setState('PENDING_SHUTDOWN');
    await this.loop;
    await this.shutdown();
  }

  /**
   * How many changelog records this instance's standby stores are behind
   * (sum over its standby partitions of end offset − applied position);
   * what a failover to this instance would replay.
   */
  async standbyLag(): Promise<number> {
    const positions = this.standbys?.positions() ?? [];
    if (positions.length === 0) return 0;
    const ends = await this.client.admin().listOffsets(positions.map(({ tp }) => ({ ...tp, spec: 'latest' as const })));
    return positions.reduce((lag, { position }, i) => lag + Number(ends[i]!.offset - (position ?? 0n)), 0);
  }

  /**
   * A read-only view of a key-value store across this instance's tasks
   * (interactive queries): a key lives in exactly one task, so `get` asks
   * each; `all` concatenates them. A global table's store is whole here.
   */
  store<K, V>(name: string): Pick<KeyValueStore<K, V>, 'get' | 'all' | 'approximateNumEntries'> {
    const global = this.global?.typed.get(name);
    if (global !== undefined) return global as KeyValueStore<K, V>;
    const stores = (): KeyValueStore<K, V>[] =>
      (this.tasks?.all() ?? []).flatMap((t) => {
        const s = t.stores.get(name);
        return s === undefined ? [] : [s.typed as KeyValueStore<K, V>];
      });
    return {
      get: (key) => {
        for (const s of stores()) {
          const v = s.get(key);
          if (v !== undefined) return v;
        }
        return undefined;
      },
      all: () => stores().flatMap((s) => s.all()),
      approximateNumEntries: () => stores().reduce((n, s) => n + s.approximateNumEntries(), 0),
    };
  }

  /**
   * Every running instance of the application that has an
   * `applicationServer`, with its tasks and stores (Kafka's
   * metadataForAllStreamsClients), read from the group (DescribeGroups).
   * Empty while the group rebalances.
   */
  async metadataForAllStreamsClients(): Promise<StreamsMetadata[]> {
    const [group] = await this.client.admin().describeGroups([this.config.applicationId]);
    const stores = new Map(this.topology.subtopologies().map((s) => [String(s.id), s.stores]));
    return streamsMetadataFromGroup(group?.members ?? [], stores);
  }

  /** The instances whose active tasks hold (a part of) the store (Kafka's streamsMetadataForStore). */
  async streamsMetadataForStore(storeName: string): Promise<StreamsMetadata[]> {
    this.subtopologyOfStore(storeName);
    return (await this.metadataForAllStreamsClients()).filter((m) => m.stateStoreNames.includes(storeName));
  }

  /**
   * Which instance holds `key` in the store (Kafka's queryMetadataForKey):
   * the key's partition — the default partitioner over the serialized key
   * and the store's sub-topology's partition count, as the records were
   * keyed when they reached the store — its task's active instance and
   * standbys. For a windowed store, the key is the record key.
   */
  async queryMetadataForKey<K>(storeName: string, key: K, keySerde: Serde<K>): Promise<KeyQueryMetadata> {
    const sub = this.subtopologyOfStore(storeName);
    const topics = sub.sourceTopics.map((t) => resolveTopic(this.config.applicationId, t));
    const described = await this.client.admin().describeTopics(topics);
    const partitions = Math.max(...described.map((t) => t.partitions.length));
    const partition = partitionForKey(serializeKey(keySerde, topics[0]!, key), partitions);
    return keyQueryMetadata(await this.metadataForAllStreamsClients(), sub.id, partition);
  }

  private subtopologyOfStore(storeName: string): ReturnType<Topology['subtopologies']>[number] {
    if (this.topology.globalStores().some((g) => g.spec.name === storeName)) {
      throw new GregorError('INVALID_REQUEST', `store "${storeName}" is a global store: every instance holds all of it, query the local one`);
    }
    const sub = this.topology.subtopologies().find((s) => s.stores.includes(storeName));
    if (sub === undefined) throw new GregorError('INVALID_REQUEST', `the topology has no state store "${storeName}"`);
    return sub;
  }

  private async run(): Promise<void> {
    const consumer = this.consumer!;
    const tasks = this.tasks!;
    const clock = this.config.clock;
    let lastCommitMs = clock.monotonicMs();
    try {
      while (!this.stopping) {
        const pollStart = clock.monotonicMs();
        const records = await consumer.poll({ timeoutMs: POLL_TIMEOUT_MS });
        this.counters.pollWaitMs += clock.monotonicMs() - pollStart;
        if (this.stopping && records.length === 0) break;
        // Changelog records feed standby stores; the rest go to their tasks.
        const active: IncomingRecord[] = [];
        for (const r of records) {
          const rec = incoming(r);
          if (this.standbys!.isChangelog(rec.topic)) this.standbys!.apply(rec);
          else active.push(rec);
        }
        tasks.enqueue(active);
        const processed = tasks.processReady(clock.monotonicMs());
        this.pauseFullPartitions();
        if (processed.length > 0) {
          this.counters.processedRecords += processed.length;
          this.metricsRegistry.processed.inc(processed.length);
          // Sampled once per poll (the last record): a histogram observation per record costs more than it tells.
          this.metricsRegistry.e2eLatency.observe(Math.max(0, clock.nowMs() - processed[processed.length - 1]!.timestamp) / 1000);
        }
        for (const t of tasks.all()) t.punctuateWallClock();
        this.maybeProbe();
        if (this.state === 'REBALANCING' && consumer.assignment().length > 0) this.setState('RUNNING');
        const commitPath = this.commitPath!;
        commitPath.dispatch();
        if (commitPath.pendingCount >= this.config.maxPendingSends) {
          const waitStart = clock.monotonicMs();
          await commitPath.awaitCapacity(this.config.maxPendingSends);
          this.counters.backPressureMs += clock.monotonicMs() - waitStart;
        }
        if (clock.monotonicMs() - lastCommitMs >= this.config.commitIntervalMs) {
          const commitStart = clock.monotonicMs();
          await this.commit();
          lastCommitMs = clock.monotonicMs();
          this.counters.commitMs += lastCommitMs - commitStart;
        }
      }
      if (this.fatal === undefined) await this.commit();
    } catch (err) {
      this.fail(err);
    }
    // After a fatal error, stop owning tasks at once: leaving the group lets the other instances take them over.
    if (this.fatal !== undefined) await this.shutdown();
  }

  /**
   * KIP-441's probing rebalance: an instance keeping standbys or warm-ups
   * rejoins every probingRebalanceIntervalMs, so that the leader sees how
   * far they have caught up (their offset sums) and moves a task to a
   * warm-up that is now within acceptableRecoveryLag.
   */
  private maybeProbe(): void {
    const now = this.config.clock.monotonicMs();
    if (this.standbys!.size === 0 || now - this.lastAssignedMs < this.config.probingRebalanceIntervalMs) return;
    this.lastAssignedMs = now;
    this.config.logger.info('probing rebalance: standby and warm-up replicas report how far they have caught up', { standbyTasks: this.standbys!.size });
    this.consumer!.enforceRebalance('probing rebalance (KIP-441)');
  }

  /**
   * Bounds what tasks buffer (records waiting for another partition under
   * maxTaskIdleMs): a partition with bufferedRecordsPerPartition records
   * waiting is not fetched until its task has processed some (Kafka pauses
   * it the same way); every other paused partition is resumed.
   */
  private pauseFullPartitions(): void {
    const consumer = this.consumer!;
    const full = this.tasks!.fullPartitions(this.config.bufferedRecordsPerPartition);
    const fullKeys = new Set(full.map((tp) => tpKey(tp.topic, tp.partition)));
    const paused = consumer.paused();
    const pausedKeys = new Set(paused.map((tp) => tpKey(tp.topic, tp.partition)));
    const resume = paused.filter((tp) => !fullKeys.has(tpKey(tp.topic, tp.partition)));
    const pause = full.filter((tp) => !pausedKeys.has(tpKey(tp.topic, tp.partition)));
    if (resume.length > 0) consumer.resume(resume);
    if (pause.length > 0) consumer.pause(pause);
  }

  /** Commits every task; a commit the group refuses (rebalance) is logged and left to the rejoin. Returns whether it committed. */
  private async commit(): Promise<boolean> {
    const endTimer = this.metricsRegistry.commitDuration.startTimer();
    try {
      const offsets = await this.tasks!.commitAll();
      this.purger?.afterCommit(offsets);
      await this.standbys?.checkpointAll();
      await this.global?.checkpoint();
      if (offsets.length > 0) {
        this.counters.commits++;
        endTimer();
      }
      return true;
    } catch (err) {
      if (!isCommitConflict(err)) throw err;
      this.config.logger.warn('offset commit refused by the group (rebalance); the next owner reprocesses from the previous commit', { error: (err as Error).message });
      if (this.config.processingGuarantee === 'exactly_once_v2') await this.reviveTasks();
      return false;
    }
  }

  /**
   * exactly_once_v2, after an aborted transaction: the tasks' stores hold
   * writes that never happened, and the consumer is past records whose
   * processing was discarded. Every task is closed dirty (its checkpoint
   * dropped), created again (stores rebuilt from the committed changelog)
   * and its partitions rewound to the group's committed offsets.
   */
  private async reviveTasks(): Promise<void> {
    const tasks = this.tasks!;
    const consumer = this.consumer!;
    const ids = tasks.all().map((t) => t.id);
    this.config.logger.warn('closing tasks dirty and rebuilding them from their changelogs after an aborted transaction', { tasks: ids.length });
    await tasks.closeTasks(ids, false);
    await tasks.createTasks(ids);
    const assigned = new Set(consumer.assignment().map((tp) => tpKey(tp.topic, tp.partition)));
    const tps = tasks.all().flatMap((t) => t.inputTopics().map((topic) => ({ topic, partition: t.partition }))).filter((tp) => assigned.has(tpKey(tp.topic, tp.partition)));
    if (tps.length === 0) return;
    const committed = await consumer.committed(tps);
    for (const tp of tps) {
      const at = committed.get(tpKey(tp.topic, tp.partition));
      // -1 / none: nothing committed yet, where the group would start.
      consumer.seek(tp, at !== undefined && at >= 0n ? at : 'earliest');
    }
  }

  /** exactly_once_v2's transactional.id: stable per instance (Kafka: application.id + process id + thread). */
  private transactionalId(): string {
    this.txnInstanceId ??= this.config.groupInstanceId ?? randomUUID();
    return `${this.config.applicationId}-${this.txnInstanceId}`;
  }

  private async onAssigned(tps: TopicPartition[]): Promise<void> {
    const tasks = this.tasks!;
    this.lastAssignedMs = this.config.clock.monotonicMs();
    const ids = tasks.taskIdsOf(tps);
    const standbyTps = tps.filter((tp) => this.standbys!.isChangelog(tp.topic));
    this.config.logger.info('partitions assigned', { tasks: ids.map((t) => `${t.subtopology}_${t.partition}`), standbyPartitions: standbyTps.length, partitions: tps.length });
    // Standbys first: a standby kept for a task that is also becoming active here is not possible (the assignor never does both).
    for (const { tp, from } of await this.standbys!.open(standbyTps)) this.consumer!.seek(tp, from ?? 'earliest');
    await tasks.createTasks(ids);
    this.setState(this.stopping ? this.state : 'RUNNING');
  }

  private async onRevoked(tps: TopicPartition[]): Promise<void> {
    const tasks = this.tasks!;
    if (this.state === 'RUNNING') this.setState('REBALANCING');
    const committed = await this.commit();
    await tasks.closeTasks(tasks.taskIdsOf(tps), committed);
    await this.standbys!.close(tps);
  }

  private fail(err: unknown): void {
    this.fatal = toGregorError(err);
    this.config.logger.error('streams application failed', { applicationId: this.config.applicationId, error: this.fatal.message });
    this.setState('ERROR');
  }

  /** Releases everything once (close() and a fatal error may both ask). */
  private shutdown(): Promise<void> {
    this.shutdownDone ??= this.doShutdown();
    return this.shutdownDone;
  }

  private async doShutdown(): Promise<void> {
    const log = this.config.logger;
    try {
      // A failure left the transaction open (exactly_once_v2): abort it now rather than at its timeout.
      if (this.fatal !== undefined) await this.commitPath?.abort();
      if (this.tasks !== undefined) await this.tasks.closeAll(this.fatal === undefined);
      await this.standbys?.closeAll();
    } catch (err) {
      log.warn('closing tasks failed', { error: (err as Error).message });
    }
    await this.consumer?.close().catch((err: unknown) => log.warn('closing the consumer failed', { error: (err as Error).message }));
    await this.purger?.drain(); // before the client (its admin) closes
    await this.global?.stop().catch((err: unknown) => log.warn('closing the global stores failed', { error: (err as Error).message }));
    await this.client.close().catch(() => undefined);
    if (this.state !== 'ERROR') this.setState('NOT_RUNNING');
    log.info('streams application closed', { applicationId: this.config.applicationId, ...this.metrics() });
  }

  private setState(next: StreamsState): void {
    const prev = this.state;
    if (prev === next) return;
    this.state = next;
    for (const l of this.listeners) l(next, prev);
  }
}

function incoming(r: ConsumerRecord): IncomingRecord {
  return { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: Number(r.timestamp), key: r.key, value: r.value, headers: r.headers };
}
