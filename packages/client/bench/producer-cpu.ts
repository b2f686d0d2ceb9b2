/**
 * CPU cost of the producer per record, without a cluster: Producer.send →
 * accumulator → Sender → encodeRecordBatch → completion, against brokers
 * that live in this process and acknowledge every Produce on the next turn
 * of the event loop (no gRPC, no network, no storage). What `pnpm bench`
 * reports as produce_cpu_us_per_record_client, minus the gRPC client's share,
 * on a machine where a cluster would compete for the cores. Prints JSON.
 *
 *   pnpm exec tsc -b packages/client && pnpm exec tsc -p packages/client/bench \
 *     && node packages/client/bench/dist/bench/producer-cpu.js [--records 1000000] [--mode batch|single] [--record-bytes 100]
 *
 * Workload as `pnpm bench`: one topic of 3 partitions on 3 leaders, null
 * keys (sticky partitioning), acks all, idempotent, lingerMs 5, batchSize
 * 256 KiB, maxRequestSize 4 MiB; `batch` sends calls of 1000 records
 * (send({ topic, messages })), `single` sends one record per call; at most
 * 64 calls of 1000 records outstanding. CPU is process.cpuUsage() (user +
 * system) over the measured records, after a warm-up of 200,000.
 */
import { randomBytes } from 'node:crypto';
import { readBatchHeader } from '@gregor/record-batch';
import type { ProduceRequest, ProduceResponse__Output } from '@gregor/proto';
import type { BrokerConnection } from '../src/broker-connection';
import { Cluster } from '../src/cluster';
import { resolveClientOptions, type ResolvedClientOptions } from '../src/options';
import { Producer } from '../src/producer/producer';
import type { Message } from '../src/types';

const TOPIC = 'bench';
const PARTITIONS = 3;
const CHUNK = 1000;
const MAX_OUTSTANDING_CHUNKS = 64;
const WARMUP_RECORDS = 200_000;

interface Args {
  records: number;
  mode: 'batch' | 'single';
  recordBytes: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { records: 1_000_000, mode: 'batch', recordBytes: 100 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--records') args.records = Number(value);
    else if (flag === '--record-bytes') args.recordBytes = Number(value);
    else if (flag === '--mode' && (value === 'batch' || value === 'single')) args.mode = value;
    else throw new Error(`unknown argument ${flag} ${value}`);
  }
  if (!Number.isInteger(args.records) || args.records <= 0 || args.records % CHUNK !== 0) throw new Error(`--records must be a positive multiple of ${CHUNK}`);
  return args;
}

/** Leaders that append nothing: each Produce is answered with the next offsets of its partitions. */
class InProcessBrokers {
  private readonly nextOffset = new Map<number, bigint>();

  produce(request: ProduceRequest): Promise<ProduceResponse__Output> {
    const topics = (request.topics ?? []).map((t) => ({
      name: t.name ?? '',
      partitions: (t.partitions ?? []).map((p) => {
        const partition = p.partition ?? 0;
        const base = this.nextOffset.get(partition) ?? 0n;
        this.nextOffset.set(partition, base + BigInt(recordCount(p.records as Buffer)));
        return { partition, error: null, baseOffset: base.toString(), logAppendTimeMs: '-1' };
      }),
    }));
    return new Promise((resolve) => setImmediate(() => resolve({ topics } as unknown as ProduceResponse__Output)));
  }
}

/** Records in a run of concatenated batches (the header's count of each). */
function recordCount(batches: Buffer): number {
  let n = 0;
  for (let pos = 0; pos < batches.length; ) {
    const header = readBatchHeader(batches.subarray(pos));
    n += header.recordCount;
    pos += 12 + header.batchLength;
  }
  return n;
}

/** A Cluster whose metadata is fixed and whose brokers are InProcessBrokers. */
class InProcessCluster extends Cluster {
  private readonly brokers = new InProcessBrokers();
  private readonly conn = { call: (method: string, request: ProduceRequest) => (method === 'Produce' ? this.brokers.produce(request) : Promise.reject(new Error(method))) };

  constructor(opts: ResolvedClientOptions) {
    super(opts);
    this.metadata.apply(
      {
        clusterId: 'bench',
        controllerId: 1,
        brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: '127.0.0.1', port: nodeId, rack: null, address: `127.0.0.1:${nodeId}` })),
        topics: [
          {
            name: TOPIC,
            topicId: TOPIC,
            isInternal: false,
            error: null,
            partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({
              partition,
              leader: partition + 1,
              leaderEpoch: 0,
              replicas: [1, 2, 3],
              isr: [1, 2, 3],
              offlineReplicas: [],
              error: null,
            })),
          },
        ],
      },
      [TOPIC],
      opts.clock.monotonicMs(),
    );
  }

  override connectionForNode(): BrokerConnection {
    return this.conn as unknown as BrokerConnection;
  }

  override callAny<M extends string>(method: M): Promise<never> {
    if (method !== 'InitProducerId') return Promise.reject(new Error(`${method} is not faked`));
    return Promise.resolve({ error: null, producerId: '1', producerEpoch: 0 } as never);
  }

  /** Metadata is fixed: nothing to refresh. */
  override maybeRefreshStale(): void {}
}

/** Sends `records` records as the workload says; returns how many metadata entries came back. */
async function produce(producer: Producer, records: number, mode: Args['mode'], chunk: readonly Message[]): Promise<number> {
  const outstanding = new Set<Promise<void>>();
  let acknowledged = 0;
  for (let sent = 0; sent < records; sent += CHUNK) {
    const call: Promise<unknown[]> = mode === 'batch' ? producer.send({ topic: TOPIC, messages: chunk }) : Promise.all(chunk.map((m) => producer.send({ topic: TOPIC, value: m.value })));
    const p: Promise<void> = call.then((metas) => {
      acknowledged += metas.length;
      outstanding.delete(p);
    });
    outstanding.add(p);
    if (outstanding.size >= MAX_OUTSTANDING_CHUNKS) await Promise.race(outstanding);
  }
  await Promise.all(outstanding);
  await producer.flush();
  return acknowledged;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const opts = resolveClientOptions({ bootstrap: '127.0.0.1:1' });
  const producer = new Producer(new InProcessCluster(opts), opts, { acks: 'all', lingerMs: 5, batchSize: 256 * 1024, maxRequestSize: 4 * 1024 * 1024, maxInFlight: 5 });
  const value = randomBytes(args.recordBytes);
  const chunk: Message[] = Array.from({ length: CHUNK }, () => ({ value }));
  await produce(producer, WARMUP_RECORDS, args.mode, chunk);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const acknowledged = await produce(producer, args.records, args.mode, chunk);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  await producer.close();
  if (acknowledged !== args.records) throw new Error(`${acknowledged} of ${args.records} records acknowledged`);
  console.log(
    JSON.stringify({
      mode: args.mode,
      records: args.records,
      recordBytes: args.recordBytes,
      cpuUsPerRecord: Number(((cpu.user + cpu.system) / args.records).toFixed(3)),
      wallMs: Math.round(wallMs),
      heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
