import type { Acks, Gregor, Message } from '@gregor/client';
import { KafkaBenchCluster } from './kafka-bench/cluster';
import { consumeAll } from './kafka-bench/consumer';
import { WireProducer } from './kafka-bench/producer';

export type Protocol = 'grpc' | 'kafka';

/** Producer settings of the throughput phase; the latency phase sends each record alone (linger 0). */
export const THROUGHPUT_PRODUCER = { lingerMs: 5, batchSize: 256 * 1024, maxRequestSize: 4 * 1024 * 1024, maxInFlight: 5 } as const;
/** Consumer settings of the consume phase. */
export const CONSUMER = { maxBytes: 16 * 1024 * 1024, partitionMaxBytes: 1024 * 1024, maxWaitMs: 100 } as const;
const REQUEST_TIMEOUT_MS = 30_000;

/** Sends `count` records of the bench's value; resolves when all are acknowledged. */
export interface BenchProducer {
  send(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One protocol's way of running the bench's three phases, with the same
 * settings: the gRPC path through the SDK, the Kafka path through the lean
 * wire client (same batch size, linger, in-flight requests, idempotence,
 * fetch budgets), so the figures differ by the front end and the wire only.
 */
export interface BenchWorkload {
  readonly protocol: Protocol;
  producer(topic: string, value: Buffer, phase: 'throughput' | 'latency'): Promise<BenchProducer>;
  /** Reads `records` records of the topic from the beginning; fails when nothing arrives for `stallMs`. */
  consume(topic: string, partitions: number, records: number, stallMs: number, onProgress: (consumed: number) => void): Promise<void>;
  close(): Promise<void>;
}

export function grpcWorkload(client: Gregor, acks: Acks): BenchWorkload {
  return {
    protocol: 'grpc',
    async producer(topic, value, phase) {
      const producer = client.producer(phase === 'throughput' ? { acks, ...THROUGHPUT_PRODUCER } : { acks, lingerMs: 0 });
      const chunk: Message[] = Array.from({ length: 1000 }, () => ({ value }));
      return {
        send: (count) => (count === 1 ? producer.send({ topic, value }) : producer.send({ topic, messages: count === chunk.length ? chunk : chunk.slice(0, count) })).then(() => undefined),
        close: () => producer.close(),
      };
    },
    async consume(topic, partitions, records, stallMs, onProgress) {
      const consumer = client.consumer({ maxBytes: CONSUMER.maxBytes, maxPartitionBytes: CONSUMER.partitionMaxBytes, maxWaitMs: CONSUMER.maxWaitMs });
      try {
        consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
        for (let partition = 0; partition < partitions; partition++) consumer.seek({ topic, partition }, 'earliest');
        // Bounded by progress, not by a total time (10M records legitimately take long).
        let consumed = 0;
        let lastProgressMs = performance.now();
        while (consumed < records) {
          const got = (await consumer.poll({ timeoutMs: 1000 })).length;
          consumed += got;
          if (got > 0) {
            lastProgressMs = performance.now();
            onProgress(consumed);
          } else if (performance.now() - lastProgressMs > stallMs) {
            throw new Error(`consume stalled: read ${consumed} of ${records} acknowledged records, then nothing for ${stallMs} ms`);
          }
        }
      } finally {
        await consumer.close();
      }
    },
    close: async () => undefined,
  };
}

export async function kafkaWorkload(bootstrap: readonly string[], acks: Acks): Promise<BenchWorkload> {
  const cluster = await KafkaBenchCluster.connect(bootstrap);
  const acksWire = acks === 'all' || acks === -1 ? -1 : acks;
  return {
    protocol: 'kafka',
    async producer(topic, value, phase) {
      const producer = await WireProducer.create(cluster, topic, value, {
        acks: acksWire,
        // As the SDK's default: idempotent exactly when acks=all.
        idempotent: acksWire === -1,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        ...(phase === 'throughput'
          ? { lingerMs: THROUGHPUT_PRODUCER.lingerMs, batchSizeBytes: THROUGHPUT_PRODUCER.batchSize, maxRequestBytes: THROUGHPUT_PRODUCER.maxRequestSize, maxInFlight: THROUGHPUT_PRODUCER.maxInFlight }
          : { lingerMs: 0, batchSizeBytes: 16384, maxRequestBytes: 1024 * 1024, maxInFlight: 5 }),
      });
      return { send: (count) => producer.send(count), close: async () => undefined };
    },
    async consume(topic, _partitions, records, stallMs, onProgress) {
      await consumeAll(cluster, topic, records, { ...CONSUMER, stallMs, onProgress });
    },
    close: () => cluster.close(),
  };
}
