import { GregorError, tpKey, validateTopicName, type TopicPartition } from '@gregor/common';
import type { ResourceType__Output } from '@gregor/proto';
import type { Cluster } from '../cluster';
import { errorFromWire, firstFailure } from '../errors';
import { byTopic, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsOnce, perLeaderOnce } from '../list-offsets';
import { parseMetadata, type ClusterMetadata } from '../metadata';
import { int64, int64Wire } from '../wire';
import type { ResolvedClientOptions } from '../options';
import { parseClusterDescription, requestError, type ClusterDescription } from './cluster-description';
import type { CommittedOffset, ConsumerGroupState, GroupDescription, GroupListing, OffsetToSet } from './group-types';
import { GroupAdmin } from './groups';
import { TransactionAdmin, type AbortTransactionSpec, type ProducerStateDescription, type TransactionDescription, type TransactionListing } from './transactions';
import { partitionResults, perItemWithRetry, type ItemResult } from './per-item';
import type {
  AdminCallOptions,
  ConfigAlteration,
  ConfigResourceQuery,
  ConfigResourceType,
  CreatedTopic,
  DeletedRecords,
  ListOffsetsQuery,
  NewPartitions,
  NewTopic,
  PartitionOffset,
  RecordsToDelete,
  ResourceConfigs,
  TopicDescription,
} from './types';

const RESOURCE_TYPE: Record<ConfigResourceType, ResourceType__Output> = { topic: 'RESOURCE_TYPE_TOPIC', broker: 'RESOURCE_TYPE_BROKER' };

/**
 * Topics, configs and offsets. Batched calls either succeed for every item
 * or throw a GregorError: the first item's error, with every failed item
 * listed in `error.context.failures`. Retriable errors are retried with
 * backoff within `timeoutMs`; "unknown topic" is an answer, not retried.
 */
export class Admin {
  /** @internal Use `client.admin()`. */
  constructor(
    private readonly cluster: Cluster,
    private readonly client: ResolvedClientOptions,
  ) {}

  /** Creates topics; TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_CONFIG… are thrown. */
  async createTopics(topics: readonly NewTopic[], opts: AdminCallOptions & { validateOnly?: boolean } = {}): Promise<CreatedTopic[]> {
    for (const t of topics) validateTopicName(t.topic);
    const results = await perItemWithRetry<NewTopic, CreatedTopic>(
      topics,
      (t) => t.topic,
      async (pending) => {
        const res = await this.cluster.callAny('CreateTopics', {
          topics: pending.map((t) => ({ name: t.topic, numPartitions: t.numPartitions ?? -1, replicationFactor: t.replicationFactor ?? -1, configs: { ...t.configs } })),
          timeoutMs: this.client.requestTimeoutMs,
          validateOnly: opts.validateOnly ?? false,
        });
        const out = new Map<string, ItemResult<CreatedTopic>>();
        for (const r of res.topics) {
          const err = errorFromWire(r.error, { topic: r.name });
          out.set(r.name, err ?? { topic: r.name, topicId: r.topicId, numPartitions: r.numPartitions, replicationFactor: r.replicationFactor, configs: { ...r.configs } });
        }
        return out;
      },
      this.perItemOptions(opts, (e) => e.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION'),
    );
    const { ok, failures } = partitionResults(topics, (t) => t.topic, results);
    throwIfFailed(failures);
    this.cluster.track(topics.map((t) => t.topic));
    return ok;
  }

  /**
   * Grows topics to `count` partitions each (Kafka's createPartitions with
   * NewPartitions.increaseTo); the active controller places the new ones.
   * INVALID_PARTITIONS (count not larger than now), UNKNOWN_TOPIC_OR_PARTITION,
   * INVALID_REQUEST (a topic named twice) are thrown. Like Kafka, a retry after
   * a lost answer may report INVALID_PARTITIONS for a change that was made.
   * Afterwards the client's metadata for these topics is refreshed, so its
   * producers see the new partitions.
   */
  async createPartitions(increases: readonly NewPartitions[], opts: AdminCallOptions & { validateOnly?: boolean } = {}): Promise<void> {
    const seen = new Set<string>();
    for (const i of increases) {
      validateTopicName(i.topic);
      if (seen.has(i.topic)) throw new GregorError('INVALID_REQUEST', `topic "${i.topic}" appears more than once`, { topic: i.topic });
      seen.add(i.topic);
    }
    const results = await perItemWithRetry<NewPartitions, true>(
      increases,
      (i) => i.topic,
      async (pending) => {
        const res = await this.cluster.callAny('CreatePartitions', {
          topics: pending.map((i) => ({ name: i.topic, count: i.count })),
          timeoutMs: this.client.requestTimeoutMs,
          validateOnly: opts.validateOnly ?? false,
        });
        return new Map(res.results.map((r) => [r.name, errorFromWire(r.error, { topic: r.name }) ?? (true as const)]));
      },
      this.perItemOptions(opts, (e) => e.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION'),
    );
    throwIfFailed(partitionResults(increases, (i) => i.topic, results).failures);
    if (opts.validateOnly !== true) await this.cluster.refreshMetadata(increases.map((i) => i.topic)).catch(() => undefined);
  }

  /** Deletes topics; UNKNOWN_TOPIC_OR_PARTITION when one does not exist. */
  async deleteTopics(names: readonly string[], opts: AdminCallOptions = {}): Promise<void> {
    const results = await perItemWithRetry<string, true>(
      names,
      (n) => n,
      async (pending) => {
        const res = await this.cluster.callAny('DeleteTopics', { topicNames: [...pending], timeoutMs: this.client.requestTimeoutMs });
        return new Map(res.topics.map((r) => [r.name, errorFromWire(r.error, { topic: r.name }) ?? (true as const)]));
      },
      this.perItemOptions(opts, (e) => e.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION'),
    );
    throwIfFailed(partitionResults(names, (n) => n, results).failures);
  }

  /** Topic names, sorted; internal topics only when asked. */
  async listTopics(opts: AdminCallOptions & { includeInternal?: boolean } = {}): Promise<string[]> {
    const md = await this.metadata(undefined, opts);
    return md.topics
      .filter((t) => t.error === null && (opts.includeInternal === true || !t.isInternal))
      .map((t) => t.name)
      .sort();
  }

  /** Partitions, leaders, replicas and ISR of the named topics (all topics when none are named). */
  async describeTopics(names?: readonly string[], opts: AdminCallOptions = {}): Promise<TopicDescription[]> {
    const md = await this.metadata(names, opts);
    const byName = new Map(md.topics.map((t) => [t.name, t]));
    const wanted = names ?? md.topics.filter((t) => !t.isInternal).map((t) => t.name).sort();
    const failures: { name: string; error: GregorError }[] = [];
    const out: TopicDescription[] = [];
    for (const name of wanted) {
      const t = byName.get(name);
      if (t === undefined || (t.error !== null && t.partitions.length === 0)) {
        failures.push({ name, error: t?.error ?? new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name }) });
        continue;
      }
      out.push({
        name: t.name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          leader: p.leader >= 0 ? p.leader : null,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: p.offlineReplicas,
        })),
      });
    }
    throwIfFailed(failures);
    return out;
  }

  async describeConfigs(resources: readonly ConfigResourceQuery[], opts: AdminCallOptions = {}): Promise<ResourceConfigs[]> {
    const nameOf = (r: { type: ConfigResourceType; name: string }): string => `${r.type}:${r.name}`;
    const results = await perItemWithRetry<ConfigResourceQuery, ResourceConfigs>(
      resources,
      nameOf,
      async (pending) => {
        const res = await this.cluster.callAny('DescribeConfigs', {
          resources: pending.map((r) => ({ resourceType: RESOURCE_TYPE[r.type], resourceName: r.name, configNames: [...(r.keys ?? [])] })),
        });
        const out = new Map<string, ItemResult<ResourceConfigs>>();
        for (const r of res.results) {
          const type = resourceTypeName(r.resourceType);
          const err = errorFromWire(r.error, type === 'topic' ? { topic: r.resourceName } : { resource: r.resourceName });
          out.set(
            nameOf({ type, name: r.resourceName }),
            err ?? { type, name: r.resourceName, configs: r.configs.map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, isDefault: c.isDefault })) },
          );
        }
        return out;
      },
      this.perItemOptions(opts, (e) => e.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION'),
    );
    const { ok, failures } = partitionResults(resources, nameOf, results);
    throwIfFailed(failures);
    return ok;
  }

  /** Incremental config change (KIP-339); throws INVALID_CONFIG etc. per resource. */
  async alterConfigs(alterations: readonly ConfigAlteration[], opts: AdminCallOptions & { validateOnly?: boolean } = {}): Promise<void> {
    const nameOf = (r: { type: ConfigResourceType; name: string }): string => `${r.type}:${r.name}`;
    const results = await perItemWithRetry<ConfigAlteration, true>(
      alterations,
      nameOf,
      async (pending) => {
        const res = await this.cluster.callAny('AlterConfigs', {
          resources: pending.map((a) => ({ resourceType: RESOURCE_TYPE[a.type], resourceName: a.name, set: { ...a.set }, delete: [...(a.delete ?? [])] })),
          validateOnly: opts.validateOnly ?? false,
        });
        return new Map(
          res.results.map((r) => {
            const type = resourceTypeName(r.resourceType);
            return [nameOf({ type, name: r.resourceName }), errorFromWire(r.error, type === 'topic' ? { topic: r.resourceName } : { resource: r.resourceName }) ?? (true as const)];
          }),
        );
      },
      this.perItemOptions(opts, (e) => e.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION'),
    );
    throwIfFailed(partitionResults(alterations, nameOf, results).failures);
  }

  /**
   * Earliest / latest / by-timestamp offsets, asked of each partition's
   * leader. Results come in query order; a partition asked several times
   * (say earliest and latest) is asked in separate rounds, since one request
   * may name a partition only once.
   */
  async listOffsets(queries: readonly ListOffsetsQuery[], opts: AdminCallOptions = {}): Promise<PartitionOffset[]> {
    const topics = [...new Set(queries.map((q) => q.topic))];
    if (topics.some((t) => this.cluster.metadata.topic(t) === undefined)) await this.cluster.refreshMetadata(topics).catch(() => undefined);
    const rounds: ListOffsetsQuery[][] = [];
    const seen = new Map<string, number>();
    for (const q of queries) {
      const key = tpKey(q.topic, q.partition);
      const round = seen.get(key) ?? 0;
      seen.set(key, round + 1);
      (rounds[round] ??= []).push(q);
    }
    const byQuery = new Map<ListOffsetsQuery, ItemResult<PartitionOffset>>();
    // Metadata was refreshed above for unknown topics: an unknown partition is an answer.
    const itemOptions = this.perItemOptions(opts, (e) => e.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION');
    for (const round of rounds) {
      const results = await perItemWithRetry<ListOffsetsQuery, PartitionOffset>(
        round,
        (q) => tpKey(q.topic, q.partition),
        async (pending) => {
          const { answers, errors } = await listOffsetsOnce(
            this.cluster,
            pending.map((q) => ({ topic: q.topic, partition: q.partition, timestamp: q.spec === 'earliest' ? EARLIEST_TIMESTAMP : q.spec === 'latest' ? LATEST_TIMESTAMP : q.spec.timestamp })),
          );
          return new Map<string, ItemResult<PartitionOffset>>([...answers, ...errors]);
        },
        itemOptions,
      );
      for (const q of round) byQuery.set(q, results.get(tpKey(q.topic, q.partition))!);
    }
    const ok: PartitionOffset[] = [];
    const failures: { name: string; error: GregorError }[] = [];
    for (const q of queries) {
      const r = byQuery.get(q)!;
      if (r instanceof GregorError) failures.push({ name: tpKey(q.topic, q.partition), error: r });
      else ok.push(r);
    }
    throwIfFailed(failures);
    return ok;
  }

  /**
   * Deletes every record below `offset` in each partition (Kafka's
   * Admin.deleteRecords): the partition's log start moves up to it and
   * nothing below can be read any more. `-1n` means "up to the high
   * watermark". Asked of each partition's leader, retried on leader moves;
   * the answer is the new low watermark per partition, in input order.
   * An offset above the high watermark is OFFSET_OUT_OF_RANGE for that
   * partition; a partition named twice is INVALID_REQUEST.
   */
  async deleteRecords(deletions: readonly RecordsToDelete[], opts: AdminCallOptions & { replicaTimeoutMs?: number } = {}): Promise<DeletedRecords[]> {
    const keys = deletions.map((d) => tpKey(d.topic, d.partition));
    const twice = keys.find((k, i) => keys.indexOf(k) !== i);
    if (twice !== undefined) throw new GregorError('INVALID_REQUEST', `deleteRecords names partition ${twice} more than once`);
    const topics = [...new Set(deletions.map((d) => d.topic))];
    if (topics.some((t) => this.cluster.metadata.topic(t) === undefined)) await this.cluster.refreshMetadata(topics).catch(() => undefined);
    const timeoutMs = opts.replicaTimeoutMs ?? this.client.requestTimeoutMs;
    const results = await perItemWithRetry<RecordsToDelete, DeletedRecords>(
      deletions,
      (d) => tpKey(d.topic, d.partition),
      async (pending) => {
        const { answers, errors } = await perLeaderOnce<RecordsToDelete, DeletedRecords>(this.cluster, pending, async (conn, list) => {
          const res = await conn.call('DeleteRecords', { topics: byTopic(list, (d) => ({ partition: d.partition, offset: int64Wire(d.offset) })), timeoutMs });
          const out = new Map<string, DeletedRecords | GregorError>();
          for (const t of res.topics) {
            for (const p of t.partitions) {
              const err = errorFromWire(p.error, { topic: t.name, partition: p.partition });
              out.set(tpKey(t.name, p.partition), err ?? { topic: t.name, partition: p.partition, lowWatermark: int64(p.lowWatermark) });
            }
          }
          return out;
        });
        return new Map<string, ItemResult<DeletedRecords>>([...answers, ...errors]);
      },
      this.perItemOptions(opts, (e) => e.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION'),
    );
    const { ok, failures } = partitionResults(deletions, (d) => tpKey(d.topic, d.partition), results);
    throwIfFailed(failures);
    return ok;
  }

  /** Brokers, controller and topics (all topics when none are named), straight from a broker. */
  async metadata(topics?: readonly string[], opts: AdminCallOptions = {}): Promise<ClusterMetadata> {
    const results = await perItemWithRetry<'metadata', ClusterMetadata>(
      ['metadata'],
      (n) => n,
      async () => {
        const res = await this.cluster.callAny('Metadata', { topics: [...(topics ?? [])], allowAutoTopicCreation: false });
        const md = parseMetadata(res);
        this.cluster.metadata.apply(md, topics === undefined ? 'all' : topics, this.client.clock.monotonicMs());
        return new Map([['metadata', md]]);
      },
      this.perItemOptions(opts, () => true),
    );
    const md = results.get('metadata')!;
    if (md instanceof GregorError) throw md;
    return md;
  }

  /**
   * The controller quorum (active controller, term, commit index, each
   * voter's log end offset, lag and last contact) and every registered
   * broker (address, fenced or not, epoch, partitions led and followed).
   * `quorumTimeoutMs` bounds how long the broker looks for the active
   * controller (default: the broker's, 5 s); if none answers, the result
   * has `quorumError` and the broker list, rather than throwing.
   */
  async describeCluster(opts: AdminCallOptions & { quorumTimeoutMs?: number } = {}): Promise<ClusterDescription> {
    const quorumTimeoutMs = opts.quorumTimeoutMs ?? 0;
    const results = await perItemWithRetry<'cluster', ClusterDescription>(
      ['cluster'],
      (n) => n,
      async () => {
        // The broker may spend quorumTimeoutMs on the controller: the call must outlive that.
        const res = await this.cluster.callAny(
          'DescribeCluster',
          { timeoutMs: quorumTimeoutMs },
          { timeoutMs: Math.max(this.client.requestTimeoutMs, (quorumTimeoutMs > 0 ? quorumTimeoutMs : 5000) + 5000) },
        );
        return new Map([['cluster', requestError(res) ?? parseClusterDescription(res)]]);
      },
      this.perItemOptions(opts, (e) => e.retriable),
    );
    const out = results.get('cluster')!;
    if (out instanceof GregorError) throw out;
    return out;
  }

  // ---- consumer groups ----------------------------------------------------

  private groupAdmin: GroupAdmin | undefined;
  private txnAdmin: TransactionAdmin | undefined;

  /** ListTransactions on every broker (KIP-664): transactional ids, their producer id and state. */
  listTransactions(opts: { states?: readonly string[]; producerIds?: readonly bigint[]; timeoutMs?: number } = {}): Promise<TransactionListing[]> {
    return this.transactions().listTransactions(opts);
  }

  /** DescribeTransactions from each id's coordinator: state, producer id and epoch, timeout, open partitions. */
  describeTransactions(transactionalIds: readonly string[], opts: { timeoutMs?: number } = {}): Promise<TransactionDescription[]> {
    return this.transactions().describeTransactions(transactionalIds, opts);
  }

  /** DescribeProducers (KIP-664) from the partition's leader: producers and the transactions they have open there. */
  describeProducers(topic: string, partition: number, opts: { timeoutMs?: number } = {}): Promise<ProducerStateDescription[]> {
    return this.transactions().describeProducers(topic, partition, opts);
  }

  /** Aborts a hanging transaction in one partition (an ABORT marker from the admin, as Kafka's Admin.abortTransaction). */
  abortTransaction(spec: AbortTransactionSpec, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.transactions().abortTransaction(spec, opts);
  }

  private transactions(): TransactionAdmin {
    this.txnAdmin ??= new TransactionAdmin(this.cluster, this.client);
    return this.txnAdmin;
  }

  private groups(): GroupAdmin {
    this.groupAdmin ??= new GroupAdmin(this.cluster, this.client);
    return this.groupAdmin;
  }

  /** Every consumer group in the cluster (each broker lists those it coordinates). */
  listGroups(opts: AdminCallOptions & { states?: readonly ConsumerGroupState[] } = {}): Promise<GroupListing[]> {
    return this.groups().listGroups(opts);
  }

  /** State, members, client ids, hosts and assignments; an unknown group is Dead. */
  describeGroups(groupIds: readonly string[], opts: AdminCallOptions = {}): Promise<GroupDescription[]> {
    return this.groups().describeGroups(groupIds, opts);
  }

  /** Deletes empty groups and their offsets (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND). */
  deleteGroups(groupIds: readonly string[], opts: AdminCallOptions = {}): Promise<void> {
    return this.groups().deleteGroups(groupIds, opts);
  }

  /** Removes dynamic members from a group by member id (LeaveGroup on their behalf); per member undefined or its error (UNKNOWN_MEMBER_ID: already gone). */
  removeGroupMembers(groupId: string, memberIds: readonly string[], reason: string, opts: AdminCallOptions = {}): Promise<Map<string, GregorError | undefined>> {
    return this.groups().removeGroupMembers(groupId, memberIds, reason, opts);
  }

  /** Committed offsets of a group (all of them, or of `partitions`; -1n = none). */
  listGroupOffsets(groupId: string, partitions?: readonly TopicPartition[], opts: AdminCallOptions = {}): Promise<CommittedOffset[]> {
    return this.groups().listGroupOffsets(groupId, partitions, opts);
  }

  /** Sets a group's committed offsets; only while it has no members (reset-offsets). */
  alterGroupOffsets(groupId: string, offsets: readonly OffsetToSet[], opts: AdminCallOptions = {}): Promise<void> {
    return this.groups().alterGroupOffsets(groupId, offsets, opts);
  }

  private perItemOptions(opts: AdminCallOptions, retriable: (e: GregorError) => boolean): Parameters<typeof perItemWithRetry>[3] {
    return {
      cluster: this.cluster,
      deadlineMs: this.client.clock.monotonicMs() + (opts.timeoutMs ?? this.client.defaultApiTimeoutMs),
      retriable,
      random: this.client.random,
    };
  }
}

function resourceTypeName(t: ResourceType__Output): ConfigResourceType {
  return t === 'RESOURCE_TYPE_BROKER' ? 'broker' : 'topic';
}

function throwIfFailed(failures: { name: string; error: GregorError }[]): void {
  const err = firstFailure(failures);
  if (err !== undefined) throw err;
}
