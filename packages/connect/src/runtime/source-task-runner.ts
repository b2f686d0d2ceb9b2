import type { Message, Producer } from '@gregor/client';
import type { JsonMap, SourceRecord, SourceTask } from '../api/connector';
import { traceOf } from '../api/errors';
import type { Converter } from '../converters/converter';
import { converterFor } from '../converters/registry';
import { buildTransformChain, type TransformChain } from '../transforms/chain';
import { offsetKey, type OffsetEntry } from './offset-store';
import { TaskRunner, type TaskDeps } from './task-runner';
import { TopicEnsurer } from './topics';

/**
 * Producer batch size for source records: a poll's records go out together and
 * are awaited together, and JSON records with their schema envelope are ~1 KB
 * each, so Kafka's 16 KiB default would split one poll into hundreds of
 * batches (measured with bench:connect: ~1k rows/s). 512 KiB stays below the
 * 1 MiB request limit.
 */
const SOURCE_BATCH_BYTES = 512 * 1024;

/**
 * Runs a SourceTask: poll → convert → produce (acks=all, idempotent) → once
 * Gregor acknowledged the records, their source offsets become committable;
 * they are written to the offset store every `offset.flush.interval.ms` and
 * when the task stops. A crash between the ack and the offset write replays
 * records (at least once), never skips one.
 *
 * Exactly-once (KIP-618, `exactly.once.source.support=enabled` on a
 * distributed worker, transaction.boundary=poll): the producer is
 * transactional with the id `<group.id>-<connector>-<task>`; initializing it
 * fences any older instance of the task (a zombie on a worker cut off from
 * the group) and aborts what it left open. Each poll's records and their
 * offsets go to Gregor in ONE transaction, so after a crash the offsets
 * read back (read_committed) are exactly those of the records a
 * read_committed consumer sees: nothing lost, nothing twice.
 */
export class SourceTaskRunner extends TaskRunner {
  private task: SourceTask | undefined;
  private producer: Producer | undefined;
  private keyConverter!: Converter;
  private valueConverter!: Converter;
  private topics!: TopicEnsurer;
  private readonly acked = new Map<string, { partition: JsonMap; offset: JsonMap }>();
  private nextFlushMs = 0;
  private tolerateAll = false;
  private transforms!: TransformChain;
  /** poll() returned records that are not acknowledged yet: until then, not everything polled is durable. */
  private polledNotSent = false;
  /** Exactly-once: the offset store's transactional writes (undefined: at least once). */
  private transactional: NonNullable<TaskDeps['offsets']['transactional']> | undefined;

  constructor(deps: TaskDeps) {
    super(deps);
  }

  protected async initialize(): Promise<void> {
    const { connectorProps, worker, client, plugin, offsets, connector } = this.deps;
    this.keyConverter = converterFor('key.converter', connectorProps, worker.props);
    this.valueConverter = converterFor('value.converter', connectorProps, worker.props);
    this.tolerateAll = connectorProps['errors.tolerance'] === 'all';
    this.transforms = buildTransformChain(connectorProps);
    this.topics = new TopicEnsurer(client.admin());
    const eos = worker.exactlyOnceSource;
    if (eos !== undefined) {
      if (offsets.transactional === undefined) throw new Error('exactly-once source support needs offsets kept in a topic (distributed mode)');
      this.transactional = offsets.transactional;
      const transactionalId = `${eos.transactionalIdPrefix}${connector}-${this.id}`;
      this.producer = client.producer({ acks: 'all', lingerMs: 5, batchSize: SOURCE_BATCH_BYTES, transactionalId });
      await this.producer.initTransactions(); // fences an older instance of this task and aborts its open transaction
      // A predecessor's transaction that was committing when it died is complete
      // now, not necessarily when this worker last read the offsets topic.
      await offsets.transactional.catchUp();
      this.deps.logger.info('exactly-once source task: transactional producer ready', { connector, task: this.id, transactionalId });
    } else {
      this.producer = client.producer({ acks: 'all', lingerMs: 5, batchSize: SOURCE_BATCH_BYTES });
    }
    const created = plugin.create();
    if (created.type !== 'source') throw new Error(`${plugin.className} is not a source connector`);
    this.task = created.createTask();
    await this.task.start(this.deps.taskProps, {
      offsetStorageReader: { offset: (p) => offsets.get(connector, p) },
      logger: this.deps.logger.child({ connector, task: this.id }),
    });
    this.nextFlushMs = Date.now() + worker.offsetFlushIntervalMs;
  }

  protected async iterate(): Promise<void> {
    const records = (await this.task!.poll()) ?? [];
    if (records.length > 0) this.polledNotSent = true;
    if (this.stopping) return; // stopped mid-poll: these records are not sent, so their offsets are not stored
    if (records.length > 0) await this.send(records);
    if (Date.now() >= this.nextFlushMs) await this.commitOffsets();
  }

  private async send(records: readonly SourceRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const original of records) {
      const r = this.transform(original);
      if (r === null) continue; // filtered out: its offset still counts as handled
      const message = this.convert(r);
      if (message === undefined) continue;
      let list = byTopic.get(r.topic);
      if (list === undefined) byTopic.set(r.topic, (list = []));
      list.push(message);
    }
    await this.topics.ensure(byTopic.keys());
    for (const topic of byTopic.keys()) this.deps.onTopic(topic);
    if (this.transactional !== undefined) return this.sendInTransaction(records, byTopic, this.transactional);
    await Promise.all([...byTopic].map(([topic, messages]) => this.producer!.send({ topic, messages })));
    for (const r of records) this.acked.set(offsetKey(this.deps.connector, r.sourcePartition), { partition: r.sourcePartition, offset: r.sourceOffset });
    this.polledNotSent = false;
  }

  /** One poll = one transaction: its records and the latest offset per source partition commit together or not at all. */
  private async sendInTransaction(records: readonly SourceRecord[], byTopic: ReadonlyMap<string, Message[]>, store: NonNullable<TaskDeps['offsets']['transactional']>): Promise<void> {
    const latest = new Map<string, OffsetEntry>();
    for (const r of records) latest.set(offsetKey(this.deps.connector, r.sourcePartition), { partition: r.sourcePartition, offset: r.sourceOffset });
    const entries = [...latest.values()];
    const producer = this.producer!;
    producer.beginTransaction();
    try {
      await Promise.all([...byTopic].map(([topic, messages]) => producer.send({ topic, messages })));
      await producer.send(store.records(this.deps.connector, entries));
      await producer.commitTransaction();
    } catch (err) {
      // Fenced (another instance of this task took over): abort fails too; the error fails the task.
      await producer.abortTransaction().catch(() => undefined);
      throw err;
    }
    store.committed(this.deps.connector, entries);
    this.polledNotSent = false;
    await this.task!.commit?.();
  }

  private transform(r: SourceRecord): SourceRecord | null {
    try {
      return this.transforms.apply(r);
    } catch (err) {
      if (!this.tolerateAll) throw err;
      this.deps.logger.warn('record skipped: transform failed (errors.tolerance=all)', { connector: this.deps.connector, task: this.id, topic: r.topic, error: traceOf(err) });
      return null;
    }
  }

  private convert(r: SourceRecord): Message | undefined {
    try {
      return {
        key: this.keyConverter.fromConnectData(r.topic, r.keySchema, r.key),
        value: this.valueConverter.fromConnectData(r.topic, r.valueSchema, r.value),
        ...(r.kafkaPartition !== undefined && r.kafkaPartition !== null ? { partition: r.kafkaPartition } : {}),
        ...(r.timestamp !== undefined && r.timestamp !== null ? { timestamp: r.timestamp } : {}),
        ...(r.headers !== undefined ? { headers: r.headers.map((h) => ({ key: h.key, value: h.value })) } : {}),
      };
    } catch (err) {
      if (!this.tolerateAll) throw err;
      this.deps.logger.warn('record skipped: conversion failed (errors.tolerance=all)', { connector: this.deps.connector, task: this.id, topic: r.topic, error: traceOf(err) });
      return undefined;
    }
  }

  private async commitOffsets(): Promise<void> {
    this.nextFlushMs = Date.now() + this.deps.worker.offsetFlushIntervalMs;
    if (this.acked.size === 0) {
      if (!this.polledNotSent) await this.task!.commit?.();
      return;
    }
    const entries = [...this.acked.values()];
    this.acked.clear();
    await this.deps.offsets.set(this.deps.connector, entries);
    // commit() tells the task that everything poll() returned is durable (e.g. the CDC source acknowledges
    // its replication slot then), so it is skipped while polled records are unsent (a failed send, a stop mid-poll).
    if (!this.polledNotSent) await this.task!.commit?.();
  }

  protected async close(_clean: boolean): Promise<void> {
    try {
      // Offsets of acknowledged records are stored even after a failure: those records are in Gregor.
      if (this.task !== undefined) await this.commitOffsets();
    } finally {
      await this.task?.stop();
      await this.producer?.close();
    }
  }
}
