/**
 * Every replica's copy of a topic's partitions, read from the node's data
 * directory with @gregor/storage — the only way to see a follower's log, as
 * the client API serves leaders only. A stopped node is read in place; a
 * running one is frozen (SIGSTOP) for the few milliseconds it takes to copy
 * its log store, which is then read like the store of a node killed at that
 * instant (what the store is built to recover from).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { batchSizeAt, decodeRecordBatches, readBatchHeader } from '@gregor/record-batch';
import { LogStore } from '@gregor/storage';
import type { LogRecord, ReplicaLog } from './safety';

/** Bytes read per storage call. */
const READ_CHUNK_BYTES = 1 << 20;

/** The batches of `topic`'s partitions in the store under `dataDir` (a partition the node does not host is absent). */
export async function readReplicaLogs(dataDir: string, node: number, topic: string): Promise<Map<number, ReplicaLog>> {
  const store = await LogStore.open({ dataDir });
  try {
    const out = new Map<number, ReplicaLog>();
    for (const tp of await store.listPartitions()) {
      if (tp.topic !== topic) continue;
      const log = await store.openPartition(topic, tp.partition);
      const batches: { baseOffset: bigint; bytes: Buffer }[] = [];
      let offset = log.logStartOffset;
      while (offset < log.logEndOffset) {
        const { records } = await log.read(offset, READ_CHUNK_BYTES);
        if (records.length === 0) throw new Error(`node ${node} ${topic}-${tp.partition}: empty read at ${offset} below the log end ${log.logEndOffset}`);
        for (let pos = 0; pos < records.length; ) {
          const size = batchSizeAt(records, pos);
          const header = readBatchHeader(records, pos);
          const last = header.baseOffset + BigInt(header.lastOffsetDelta);
          if (last >= offset) batches.push({ baseOffset: header.baseOffset, bytes: Buffer.from(records.subarray(pos, pos + size)) });
          offset = last + 1n > offset ? last + 1n : offset;
          pos += size;
        }
      }
      out.set(tp.partition, { node, batches });
    }
    return out;
  } finally {
    await store.close();
  }
}

/** readReplicaLogs of a running node: freeze it, copy its log store, let it go, read the copy. */
export async function snapshotReplicaLogs(pid: number, dataDir: string, node: number, topic: string): Promise<Map<number, ReplicaLog>> {
  const copy = mkdtempSync(path.join(tmpdir(), `gregor-replica-${node}-`));
  try {
    process.kill(pid, 'SIGSTOP');
    try {
      cpSync(path.join(dataDir, 'log-store'), path.join(copy, 'log-store'), { recursive: true });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    return await readReplicaLogs(copy, node, topic);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The records of a replica's batches, in offset order. */
export function recordsOf(log: ReplicaLog): LogRecord[] {
  const out: LogRecord[] = [];
  for (const b of log.batches) {
    for (const batch of decodeRecordBatches(b.bytes)) {
      for (const r of batch.records) out.push({ offset: r.offset, value: r.value?.toString() ?? '' });
    }
  }
  return out;
}
