import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@gregor/common';
import { encodeRecordBatch } from '@gregor/record-batch';
import { LogStore } from '@gregor/storage';
import { applyFetchResponse } from '../src/apply-response';
import { PartitionFetch } from '../src/partition-fetch';
import type { ReplicaFetchPartitionResponse } from '../src/replication-client';

/** A leader's batch of `count` records starting at `base` (as replicated: offsets already assigned). */
const batch = (base: bigint, count: number): Buffer =>
  encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${base + BigInt(i)}`) })),
    { baseOffset: base, partitionLeaderEpoch: 0 },
  );

const response = (records: Buffer, hw: bigint): ReplicaFetchPartitionResponse => ({
  topic: 't',
  partition: 0,
  error: undefined,
  highWatermark: hw,
  logStartOffset: 0n,
  logEndOffset: hw,
  divergingEpoch: undefined,
  records,
});

describe('a follower applying batches after the leader compacted its log', () => {
  let dir: string;
  let store: LogStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-apply-gap-'));
    store = await LogStore.open({ dataDir: dir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends a batch that starts after its log end (a compaction gap) with its offsets', async () => {
    const log = await store.openPartition('t', 0);
    const p = new PartitionFetch({ topic: 't', partition: 0, leaderId: 2, leaderEpoch: 0, log });
    expect(await applyFetchResponse(p, response(batch(0n, 3), 3n), silentLogger())).toEqual({ ok: true });
    // Offsets 3..6 were compacted away on the leader: its next batch starts at 7.
    expect(await applyFetchResponse(p, response(batch(7n, 2), 9n), silentLogger())).toEqual({ ok: true });
    expect(log.logEndOffset).toBe(9n);
    const read = await log.read(7n, 1 << 20);
    expect(read.records.readBigInt64BE(0)).toBe(7n);
  });

  it('refuses a batch that overlaps records it already holds', async () => {
    const log = await store.openPartition('t', 0);
    const p = new PartitionFetch({ topic: 't', partition: 0, leaderId: 2, leaderEpoch: 0, log });
    await applyFetchResponse(p, response(batch(0n, 3), 3n), silentLogger());
    const out = await applyFetchResponse(p, response(batch(2n, 3), 5n), silentLogger());
    expect(out.ok).toBe(false);
    expect(out.ok === false && out.error.errorName).toBe('CORRUPT_MESSAGE');
    expect(log.logEndOffset).toBe(3n);
  });
});
