import type { Consumer, ConsumerRecord, Producer } from '@gregor/client';
import { GregorError, withRetry, type ErrorName } from '@gregor/common';
import { tpKey, type SinkRecord, type SinkTask, type SinkTaskContext, type TopicPartitionRef } from '../api/connector';
import { ConnectError, DataError, RetriableError, traceOf } from '../api/errors';
import type { Converter } from '../converters/converter';
import { converterFor } from '../converters/registry';
import { buildTransformChain, type TransformChain } from '../transforms/chain';
import { sendToDeadLetter, type DeadLetterContext, type ErrorStage } from './dead-letter';
import { TaskRunner, type TaskDeps } from './task-runner';
import { TopicEnsurer } from './topics';

/** How long a put that keeps throwing RetriableError is retried when errors.retry.timeout does not say. */
const DEFAULT_PUT_RETRY_MS = 300_000;
const POLL_TIMEOUT_MS = 500;

/** Commit refusals caused by the group moving (Kafka's RebalanceInProgress/CommitFailed exceptions). */
const GROUP_MOVED: ReadonlySet<ErrorName> = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);

/**
 * Whether an offset commit that failed with `err` only delays the commit:
 * the records were put and flushed, so the task goes on and the offsets are
 * committed at the next attempt (or, if the partitions moved, their new owner
 * resumes from the last committed offset — at least once). Kafka Connect's
 * WorkerSinkTask logs such a failure and carries on; failing the task for it
 * restarted a healthy sink on every rebalance that crossed a periodic commit.
 */
export function commitFailureIsDeferrable(err: unknown): boolean {
  return err instanceof GregorError && (err.retriable || GROUP_MOVED.has(err.errorName));
}

/**
 * Runs a SinkTask as a member of the consumer group `connect-<connector>`
 * (auto-commit off): poll → convert → put; every `offset.flush.interval.ms`,
 * on rebalance and on stop: flush() then commit the offsets after the last
 * record put. A record is therefore committed only after the task said it is
 * durable (or it was dead-lettered): at least once.
 */
export class SinkTaskRunner extends TaskRunner {
  private task: SinkTask | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private keyConverter!: Converter;
  private valueConverter!: Converter;
  private topics!: TopicEnsurer;
  private deadLetter: DeadLetterContext | undefined;
  private tolerateAll = false;
  private transforms!: TransformChain;
  /** Next offset to commit per partition (last record put + 1), not yet committed. */
  private readonly uncommitted = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private nextCommitMs = 0;
  private commitRequested = false;
  private failed = false;

  constructor(deps: TaskDeps) {
    super(deps);
  }

  protected override idlesWhilePaused(): boolean {
    return false; // keep polling (nothing comes back for paused partitions) so the group membership stays alive
  }

  protected override onPausedChanged(paused: boolean): void {
    const assigned = this.consumer?.assignment() ?? [];
    if (paused) this.consumer?.pause(assigned);
    else this.consumer?.resume(assigned);
  }

  protected async initialize(): Promise<void> {
    const { connectorProps: props, worker, client, plugin, connector } = this.deps;
    this.keyConverter = converterFor('key.converter', props, worker.props);
    this.valueConverter = converterFor('value.converter', props, worker.props);
    this.tolerateAll = props['errors.tolerance'] === 'all';
    this.transforms = buildTransformChain(props);
    this.topics = new TopicEnsurer(client.admin(), { replicationFactor: Number(props['errors.deadletterqueue.topic.replication.factor'] ?? -1) });
    const dlq = props['errors.deadletterqueue.topic.name'] ?? '';
    if (dlq !== '') {
      this.deadLetter = { topic: dlq, contextHeaders: props['errors.deadletterqueue.context.headers.enable'] === 'true', connector, taskId: this.id };
      this.producer = client.producer({ acks: 'all' });
    }
    const consumerOpts = consumerOverrides(worker.props);
    // consumer.isolation.level=read_committed: a sink of an exactly-once source's topics sees only committed records.
    const isolation = worker.props['consumer.isolation.level'];
    if (isolation !== undefined && isolation !== 'read_committed' && isolation !== 'read_uncommitted') throw new ConnectError(`consumer.isolation.level must be read_committed or read_uncommitted, got "${isolation}"`);
    this.consumer = client.consumer({ groupId: `connect-${connector}`, enableAutoCommit: false, autoOffsetReset: 'earliest', ...consumerOpts, ...(isolation !== undefined ? { isolationLevel: isolation } : {}) });
    const created = plugin.create();
    if (created.type !== 'sink') throw new ConnectError(`${plugin.className} is not a sink connector`);
    this.task = created.createTask();
    await this.task.start(this.deps.taskProps, this.context());
    const regex = props['topics.regex'] ?? '';
    const topics = (props['topics'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
    await this.warnAboutMissingTopics(topics);
    this.consumer.subscribe(regex !== '' ? new RegExp(regex) : topics, {
      onPartitionsAssigned: async (tps) => {
        if (this.paused) this.consumer!.pause(tps);
        await this.task!.open?.(tps);
      },
      onPartitionsRevoked: async (tps) => {
        if (!this.failed) await this.commit(); // after a failure, what was put may not be durable
        // Not ours any more: a later commit must not write these (older) offsets over the new owner's.
        for (const tp of tps) this.uncommitted.delete(tpKey(tp.topic, tp.partition));
        await this.task!.close?.(tps);
      },
      onPartitionsLost: async (tps) => {
        for (const tp of tps) this.uncommitted.delete(tpKey(tp.topic, tp.partition));
        await this.task!.close?.(tps);
      },
    });
    this.nextCommitMs = Date.now() + worker.offsetFlushIntervalMs;
  }

  /** A sink may start before its topics exist; say when it will notice them, instead of idling silently. */
  private async warnAboutMissingTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const existing = new Set(await this.deps.client.admin().listTopics({ includeInternal: true }));
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      this.deps.logger.warn('sink topics do not exist yet; they are picked up at the next metadata refresh (metadata.max.age.ms)', {
        connector: this.deps.connector, task: this.id, missing, metadataMaxAgeMs: this.deps.worker.metadataMaxAgeMs,
      });
    }
  }

  private context(): SinkTaskContext {
    const reporter = this.deadLetter === undefined ? undefined : (record: SinkRecord, error: Error) => this.report(record, 'TASK_PUT', error);
    return {
      logger: this.deps.logger.child({ connector: this.deps.connector, task: this.id }),
      errantRecordReporter: reporter,
      assignment: () => this.consumer?.assignment() ?? [],
      pause: (tps: readonly TopicPartitionRef[]) => this.consumer?.pause([...tps]),
      resume: (tps: readonly TopicPartitionRef[]) => this.consumer?.resume([...tps]),
      requestCommit: () => {
        this.commitRequested = true;
      },
    };
  }

  protected async iterate(): Promise<void> {
    const polled = await this.consumer!.poll({ timeoutMs: POLL_TIMEOUT_MS });
    if (this.stopping) return;
    const records: SinkRecord[] = [];
    for (const r of polled) {
      const converted = await this.convert(r);
      if (converted !== undefined) records.push(converted);
    }
    if (records.length > 0) await this.putWithRetry(records);
    for (const r of polled) this.deps.onTopic(r.topic);
    for (const r of polled) this.uncommitted.set(tpKey(r.topic, r.partition), { topic: r.topic, partition: r.partition, offset: r.offset + 1n });
    if (this.commitRequested || Date.now() >= this.nextCommitMs) await this.commit();
  }

  private async convert(r: ConsumerRecord): Promise<SinkRecord | undefined> {
    const base = {
      topic: r.topic,
      kafkaPartition: r.partition,
      kafkaOffset: r.offset,
      timestamp: Number(r.timestamp),
      headers: r.headers.map((h) => ({ key: h.key, value: h.value })),
      raw: { key: r.key, value: r.value },
    };
    let stage: ErrorStage = 'KEY_CONVERTER';
    try {
      const key = this.keyConverter.toConnectData(r.topic, r.key);
      stage = 'VALUE_CONVERTER';
      const value = this.valueConverter.toConnectData(r.topic, r.value);
      stage = 'TRANSFORMATION';
      return this.transforms.apply({ ...base, keySchema: key.schema, key: key.value, valueSchema: value.schema, value: value.value }) ?? undefined;
    } catch (err) {
      if (!this.tolerateAll || !(err instanceof DataError)) throw err;
      const record: SinkRecord = { ...base, value: null };
      this.deps.logger.warn('record skipped: conversion failed (errors.tolerance=all)', { connector: this.deps.connector, task: this.id, topic: r.topic, partition: r.partition, offset: String(r.offset), error: err.message });
      if (this.deadLetter !== undefined) await this.report(record, stage, err);
      return undefined;
    }
  }

  private report(record: SinkRecord, stage: ErrorStage, error: Error): Promise<void> {
    return sendToDeadLetter(this.producer!, this.topics, this.deadLetter!, record, stage, error);
  }

  private async putWithRetry(records: readonly SinkRecord[]): Promise<void> {
    const timeout = Number(this.deps.connectorProps['errors.retry.timeout'] ?? 0);
    const maxDelay = Number(this.deps.connectorProps['errors.retry.delay.max.ms'] ?? 60000);
    await withRetry(
      async () => {
        if (this.stopping) throw new ConnectError('task stopping');
        await this.task!.put(records);
      },
      {
        retries: Number.MAX_SAFE_INTEGER, // bounded by deadlineMs below
        initialBackoffMs: 100,
        maxBackoffMs: maxDelay,
        deadlineMs: timeout > 0 ? timeout : DEFAULT_PUT_RETRY_MS,
        isRetriable: (err) => err instanceof RetriableError && !this.stopping,
        sleep: (ms) => this.wake.wait(ms),
        onRetry: (err, attempt, delayMs) => void this.deps.logger.warn('put failed; retrying the same records', { connector: this.deps.connector, task: this.id, attempt, delayMs, error: traceOf(err) }),
      },
    );
  }

  /** flush() then commit what was put. Skipped when nothing new was put. */
  private async commit(): Promise<void> {
    this.commitRequested = false;
    this.nextCommitMs = Date.now() + this.deps.worker.offsetFlushIntervalMs;
    if (this.uncommitted.size === 0 || this.task === undefined) return;
    const offsets = [...this.uncommitted.values()];
    await this.task.flush(new Map(offsets.map((o) => [tpKey(o.topic, o.partition), o.offset])));
    try {
      await this.consumer!.commit(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })));
    } catch (err) {
      if (!commitFailureIsDeferrable(err)) throw err;
      this.deps.logger.warn('offset commit failed; the offsets are committed at the next attempt', { connector: this.deps.connector, task: this.id, error: (err as Error).message });
      return;
    }
    for (const o of offsets) {
      const key = tpKey(o.topic, o.partition);
      if (this.uncommitted.get(key)?.offset === o.offset) this.uncommitted.delete(key);
    }
  }

  protected async close(clean: boolean): Promise<void> {
    this.failed = !clean;
    try {
      if (clean) await this.commit();
    } finally {
      // The consumer first: leaving the group runs the revoke callback, which still needs the task.
      await this.consumer?.close();
      await this.task?.stop();
      await this.producer?.close();
    }
  }
}

/** `consumer.*` worker keys the SDK consumer understands (Kafka's names). */
const CONSUMER_OVERRIDES = {
  'consumer.session.timeout.ms': 'sessionTimeoutMs',
  'consumer.heartbeat.interval.ms': 'heartbeatIntervalMs',
  'consumer.max.poll.records': 'maxPollRecords',
  'consumer.max.poll.interval.ms': 'maxPollIntervalMs',
} as const;

function consumerOverrides(props: Readonly<Record<string, string>>): Partial<Record<(typeof CONSUMER_OVERRIDES)[keyof typeof CONSUMER_OVERRIDES], number>> {
  const out: Partial<Record<(typeof CONSUMER_OVERRIDES)[keyof typeof CONSUMER_OVERRIDES], number>> = {};
  for (const [key, option] of Object.entries(CONSUMER_OVERRIDES)) {
    const raw = props[key];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new ConnectError(`${key} must be a positive integer, got "${raw}"`);
    out[option] = n;
  }
  return out;
}
