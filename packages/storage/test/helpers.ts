import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRecordBatches, encodeRecordBatch, validateRecordBatches, type CompressionType } from '@gregor/record-batch';
import { LogStore, type LogStoreOptions, type PartitionLog, type ProducerEntry } from '@gregor/storage';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'gregor-storage-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface BatchSpec {
  /** Number of records (default 1). */
  records?: number;
  /** Timestamp of each record; default 1000 + i. */
  timestamps?: bigint[];
  /** Value prefix; record i gets `${label}-${i}`. */
  label?: string;
  compression?: CompressionType;
}

/** One v2 batch as a producer would send it (baseOffset 0, no leader epoch). */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.timestamps?.length ?? spec.records ?? 1;
  const label = spec.label ?? 'r';
  return encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({
      value: Buffer.from(`${label}-${i}`),
      timestamp: spec.timestamps?.[i] ?? 1000n + BigInt(i),
    })),
    spec.compression === undefined ? {} : { compression: spec.compression },
  );
}

/** Batches already carrying offsets and an epoch, as a follower receives them. */
export function makeFollowerBatches(startOffset: bigint, epoch: number, recordCounts: number[]): Buffer {
  const out: Buffer[] = [];
  let offset = startOffset;
  for (const n of recordCounts) {
    out.push(
      encodeRecordBatch(
        Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`f-${offset + BigInt(i)}`), timestamp: 5000n + offset + BigInt(i) })),
        { baseOffset: offset, partitionLeaderEpoch: epoch },
      ),
    );
    offset += BigInt(n);
  }
  return Buffer.concat(out);
}

/** (baseOffset, lastOffset) of each batch in a read result; also checks every CRC. */
export function batchRanges(records: Buffer): [bigint, bigint][] {
  validateRecordBatches(records, { origin: 'replication' });
  return decodeRecordBatches(records).map((b) => [b.header.baseOffset, b.header.baseOffset + BigInt(b.header.lastOffsetDelta)]);
}

export function recordValues(records: Buffer): string[] {
  return decodeRecordBatches(records).flatMap((b) => b.records.map((r) => r.value!.toString()));
}

/** Reads the whole visible log, batch by batch. */
export async function readAll(log: PartitionLog, maxOffset?: bigint): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let offset = log.logStartOffset;
  const end = maxOffset ?? log.logEndOffset;
  while (offset < end) {
    const { records } = await log.read(offset, 1 << 20, end);
    if (records.length === 0) break;
    chunks.push(records);
    const ranges = batchRanges(records);
    offset = ranges[ranges.length - 1]![1] + 1n;
  }
  return Buffer.concat(chunks);
}

/** A store in a fresh temp dir, removed by the returned cleanup. */
export async function withStore(opts: Partial<LogStoreOptions> = {}): Promise<{ store: LogStore; dir: string; reopen: () => Promise<LogStore>; cleanup: () => Promise<void> }> {
  const dir = await tempDir();
  const ctx = {
    dir,
    store: await LogStore.open({ dataDir: dir, ...opts }),
    async reopen(): Promise<LogStore> {
      await ctx.store.close();
      ctx.store = await LogStore.open({ dataDir: dir, ...opts });
      return ctx.store;
    },
    async cleanup(): Promise<void> {
      await ctx.store.close();
      await removeDir(dir);
    },
  };
  return ctx;
}

/** Asserts that `promise` rejects with a GregorError of the given name. */
export async function expectGregorError(promise: Promise<unknown>, errorName: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'GregorError', errorName });
}

/** What the log's own batches say about a producer: the epoch of its newest batch and its last five of that epoch (a naive model). */
export async function producerStateFromLog(log: PartitionLog, producerId: bigint): Promise<Pick<ProducerEntry, 'epoch' | 'batches'> | undefined> {
  const batches = decodeRecordBatches(await readAll(log)).filter((b) => b.header.producerId === producerId);
  const last = batches.at(-1);
  if (last === undefined) return undefined;
  const run = [];
  for (let i = batches.length - 1; i >= 0 && batches[i]!.header.producerEpoch === last.header.producerEpoch; i--) run.unshift(batches[i]!);
  return {
    epoch: last.header.producerEpoch,
    batches: run.slice(-5).map((b) => ({
      firstSeq: b.header.baseSequence,
      lastSeq: b.header.baseSequence + b.header.lastOffsetDelta,
      firstOffset: b.header.baseOffset,
      lastOffset: b.header.baseOffset + BigInt(b.header.lastOffsetDelta),
      timestamp: b.header.maxTimestamp,
    })),
  };
}
