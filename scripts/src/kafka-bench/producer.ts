import { GregorError } from '@gregor/common';
import { INIT_PRODUCER_ID_API, PRODUCE_API, type ProduceRequest, type Encodable } from '@gregor/kafka-protocol';
import { BATCH_HEADER_SIZE, encodeRecordBatch, type RecordInput } from '@gregor/record-batch';
import { estimateRecordSize } from '@gregor/client';
import type { KafkaBenchCluster } from './cluster';

/** Produce v9: the highest the KAFKA listener serves (flexible, RecordBatch v2). */
const PRODUCE_VERSION = 9;
const INIT_PRODUCER_ID_VERSION = 4;

export interface WireProducerOptions {
  /** -1 (all), 0 or 1. */
  acks: -1 | 0 | 1;
  lingerMs: number;
  batchSizeBytes: number;
  maxRequestBytes: number;
  /** Produce requests in flight per broker connection. */
  maxInFlight: number;
  /** Sequence numbers from InitProducerId (what the SDK does with acks=all). */
  idempotent: boolean;
  requestTimeoutMs: number;
}

/** A send of `count` copies of one value: settles when all of them are acknowledged. */
interface Send {
  remaining: number;
  resolve(): void;
  reject(err: Error): void;
}

interface Batch {
  readonly partition: number;
  readonly createdMs: number;
  count: number;
  /** Which sends its records belong to, as runs. */
  readonly parts: { send: Send; count: number }[];
}

/**
 * The bench's Kafka producer: the SDK producer's batching with none of its
 * machinery, so that both paths put the same records in the same batches.
 * Records of one value, null keys, sticky partitioning (a partition's
 * batch fills to batch.size — sized with the SDK's own estimate — then the
 * next partition, chosen at random among the others, as KIP-480); linger
 * closes a part-filled batch. Per broker, up to `maxInFlight` Produce v9
 * requests on one pipelined connection, each carrying at most one batch per
 * partition (as the SDK's idempotent sender does) up to `maxRequestBytes`.
 * No retries: any error fails the sends in that request (a bench reports,
 * it does not recover). Memory: queued batches are bounded by the caller's
 * unsettled sends (the bench keeps 64 chunks of 1000 records outstanding),
 * as buffer.memory bounds the SDK's.
 */
export class WireProducer {
  private readonly recordsPerBatch: number;
  private readonly recordSizeBytes: number;
  /** Closed batches per partition, oldest first. */
  private readonly ready = new Map<number, Batch[]>();
  private open: Batch | undefined;
  /** The partition the last batch went to (sticky partitioning moves to another). */
  private previous = -1;
  /** A linger wait is scheduled for the open batch. */
  private lingering = false;
  private readonly inFlight = new Map<number, number>();
  private readonly sequences = new Map<number, number>();
  private producer: { id: bigint; epoch: number } | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly cluster: KafkaBenchCluster,
    private readonly topic: string,
    private readonly numPartitions: number,
    private readonly value: Buffer,
    private readonly opts: WireProducerOptions,
  ) {
    this.recordSizeBytes = estimateRecordSize(null, value, []);
    this.recordsPerBatch = Math.max(1, Math.floor((opts.batchSizeBytes - BATCH_HEADER_SIZE) / this.recordSizeBytes));
  }

  static async create(cluster: KafkaBenchCluster, topic: string, value: Buffer, opts: WireProducerOptions): Promise<WireProducer> {
    const p = new WireProducer(cluster, topic, await cluster.waitForLeaders(topic), value, opts);
    if (opts.idempotent) {
      const res = await cluster.any().send(INIT_PRODUCER_ID_API, INIT_PRODUCER_ID_VERSION, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      if (res.errorCode !== 0) throw GregorError.fromCode(res.errorCode, 'InitProducerId failed');
      p.producer = { id: res.producerId, epoch: res.producerEpoch };
    }
    return p;
  }

  /** Sends `count` records of the value; resolves once all are acknowledged (acks=0: written to the socket). */
  send(count: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const send: Send = { remaining: count, resolve, reject };
      let left = count;
      while (left > 0) {
        const batch = (this.open ??= { partition: this.nextPartition(), createdMs: performance.now(), count: 0, parts: [] });
        const n = Math.min(left, this.recordsPerBatch - batch.count);
        batch.count += n;
        batch.parts.push({ send, count: n });
        left -= n;
        if (batch.count === this.recordsPerBatch) this.closeOpen();
      }
      this.maybeLinger();
    });
  }

  /** Closes the open batch once it is lingerMs old. linger.ms 0 still gathers the sends of one tick, as the SDK's coalesced sender loop does. */
  private maybeLinger(): void {
    if (this.open === undefined || this.lingering) return;
    this.lingering = true;
    const check = (): void => {
      this.lingering = false;
      const open = this.open;
      if (open !== undefined && performance.now() - open.createdMs >= this.opts.lingerMs) this.closeOpen();
      else this.maybeLinger();
    };
    const waitMs = this.opts.lingerMs - (performance.now() - this.open.createdMs);
    if (waitMs > 0) setTimeout(check, Math.ceil(waitMs));
    else setImmediate(check);
  }

  /** Sticky partitioning: a random partition other than the previous one. */
  private nextPartition(): number {
    if (this.numPartitions === 1) return 0;
    let p = Math.floor(Math.random() * (this.numPartitions - 1));
    if (this.previous >= 0 && p >= this.previous) p++;
    this.previous = p;
    return p;
  }

  private closeOpen(): void {
    const batch = this.open;
    if (batch === undefined) return;
    this.open = undefined;
    let queue = this.ready.get(batch.partition);
    if (queue === undefined) this.ready.set(batch.partition, (queue = []));
    queue.push(batch);
    this.drain(this.cluster.leaderOf(this.topic, batch.partition));
  }

  /** Sends requests to `leader` while it has room in flight and batches ready. */
  private drain(leader: number): void {
    const partitions = this.cluster.partitionsByLeader(this.topic).get(leader) ?? [];
    while ((this.inFlight.get(leader) ?? 0) < this.opts.maxInFlight) {
      const batches: Batch[] = [];
      let bytes = 0;
      for (const partition of partitions) {
        const head = this.ready.get(partition)?.[0];
        if (head === undefined) continue;
        const size = BATCH_HEADER_SIZE + head.count * this.recordSizeBytes;
        if (batches.length > 0 && bytes + size > this.opts.maxRequestBytes) break;
        this.ready.get(partition)!.shift();
        batches.push(head);
        bytes += size;
      }
      if (batches.length === 0) return;
      this.sendRequest(leader, batches);
    }
  }

  private sendRequest(leader: number, batches: Batch[]): void {
    this.inFlight.set(leader, (this.inFlight.get(leader) ?? 0) + 1);
    const body: Encodable<ProduceRequest> = {
      transactionalId: null,
      acks: this.opts.acks,
      timeoutMs: this.opts.requestTimeoutMs,
      topicData: [{ name: this.topic, partitionData: batches.map((b) => ({ index: b.partition, records: this.encode(b) })) }],
    };
    const done = (err: Error | undefined): void => {
      this.inFlight.set(leader, this.inFlight.get(leader)! - 1);
      for (const b of batches) for (const part of b.parts) settle(part.send, part.count, err);
      if (err !== undefined) this.failure ??= err;
      this.drain(leader);
    };
    this.cluster.connection(leader).then(
      (conn) => {
        if (this.opts.acks === 0) {
          conn.sendOneWay(PRODUCE_API, PRODUCE_VERSION, body);
          done(undefined);
          return;
        }
        return conn.send(PRODUCE_API, PRODUCE_VERSION, body).then((res) => {
          for (const t of res.responses) {
            for (const p of t.partitionResponses) {
              if (p.errorCode !== 0) throw GregorError.fromCode(p.errorCode, `${t.name}-${p.index}: ${p.errorMessage ?? 'produce failed'}`, { topic: t.name, partition: p.index });
            }
          }
          done(undefined);
        });
      },
    ).catch((err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
  }

  /** Encodes a batch when it is sent (as the SDK does), with the partition's next sequence. */
  private encode(batch: Batch): Buffer {
    const records: RecordInput[] = new Array<RecordInput>(batch.count);
    const record: RecordInput = { value: this.value };
    records.fill(record);
    let sequence = -1;
    if (this.producer !== undefined) {
      sequence = this.sequences.get(batch.partition) ?? 0;
      this.sequences.set(batch.partition, sequence + batch.count);
    }
    return encodeRecordBatch(records, {
      baseTimestamp: BigInt(Date.now()),
      producerId: this.producer?.id ?? -1n,
      producerEpoch: this.producer?.epoch ?? -1,
      baseSequence: sequence,
    });
  }
}

function settle(send: Send, count: number, err: Error | undefined): void {
  if (send.remaining <= 0) return;
  if (err !== undefined) {
    send.remaining = 0;
    send.reject(err);
    return;
  }
  send.remaining -= count;
  if (send.remaining <= 0) send.resolve();
}
