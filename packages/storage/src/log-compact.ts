import { assert } from '@gregor/common';
import {
  compressionOf,
  decodeRecordBatch,
  encodeRecordBatch,
  isControlBatch,
  isTransactionalBatch,
  lastOffsetOf,
  readBatchHeader,
  timestampTypeOf,
  type BatchHeader,
  type DecodedRecord,
} from '@gregor/record-batch';
import { consecutiveRuns, noteRecord, recordSurvives, TxnCleaning, type CompactionRecord, type KeyIndex } from './compaction-plan';
import { summarizeStoredBatch } from './batch-frames';
import { baseOffsetOfDataKey, dataKey, dataRange } from './keys';
import { MAINTENANCE_STEP_MAX_BYTES } from './log-prefix';
import type { KvOp } from './kv';
import type { PartitionCore } from './partition-log';
import { sideKeyOps } from './partition-state';
import { MAX_SEQUENCE } from './producer-state';

export interface CompactOptions {
  /** Kafka's delete.retention.ms: tombstones older than now - this are dropped. */
  deleteRetentionMs: number;
  nowMs: number;
  /** Bytes of original batches examined per LevelDB write (default 8 MiB; the batch count is also capped by maintenanceChunkBatches). */
  maxBytesPerStep?: number;
  /**
   * Bound on the key index's memory (Kafka's log.cleaner.dedupe.buffer.size,
   * default 64 MiB): when the keys of the cleanable range do not fit, the
   * pass cleans only the prefix whose keys did.
   */
  maxKeyIndexBytes?: number;
  /**
   * Kafka's min.cleanable.dirty.ratio: a pass runs only once the bytes
   * written since the last pass are at least this share of the log
   * (default 0: whenever something new is cleanable). Cleaning costs a read
   * of the whole cleanable range, so waiting for more dirt amortises it.
   */
  minCleanableDirtyRatio?: number;
}

export interface CompactResult {
  /** The pass cleaned batches below this offset; -1 when it did nothing. */
  cleanedUpTo: bigint;
  /** Nothing new to clean since the last pass (and no tombstone waiting for its horizon). */
  skipped: boolean;
  /** A truncation ran during the pass, which stopped it (the next pass starts over). */
  aborted: boolean;
  batchesRewritten: number;
  batchesRemoved: number;
  recordsRemoved: number;
  bytesFreed: number;
}

/** What the last pass of a partition did, so an idle log is not re-read every time. */
export interface CompactionMark {
  truncations: number;
  cleanedUpTo: bigint;
  tombstonesKept: boolean;
  /** The log as the pass left it: nothing can have become cleanable while these stay the same. */
  highWatermark: bigint;
  logEndOffset: bigint;
  sizeBytes: number;
  bytesRemovedFromStart: number;
}

const DEFAULT_MAX_KEY_INDEX_BYTES = 64 * 1024 * 1024;
/** A rough per-entry cost of a Map<string, bigint> beyond the key's bytes. */
const KEY_INDEX_ENTRY_OVERHEAD = 64;
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * One compaction pass over a partition (see compaction-plan.ts for the
 * rules). The cleanable range is every batch below the last one (the active
 * tail, never touched, as Kafka never cleans the active segment) that lies
 * wholly below the high watermark (data above it may still be truncated, and
 * the index must not let a record that could vanish replace one that then
 * could not come back) and below the last stable offset (an open
 * transaction's records may still be aborted).
 *
 * Pass 1 reads the range (no write queue, a consistent iterator) into a key
 * index. Pass 2 rewrites it in bounded steps, each one exclusive LevelDB
 * write that deletes the old batch keys and puts their replacements (the
 * survivors, with their own offsets, one batch per run of consecutive
 * offsets) and the new size together — so a kill -9 between or during steps
 * leaves a valid log, part cleaned. A truncation during the pass stops it:
 * the index might then name records that no longer exist.
 */
export async function compactLog(core: PartitionCore, opts: CompactOptions): Promise<CompactResult> {
  const result: CompactResult = { cleanedUpTo: -1n, skipped: false, aborted: false, batchesRewritten: 0, batchesRemoved: 0, recordsRemoved: 0, bytesFreed: 0 };
  const truncations = core.truncations;
  const mark = core.compactionMark;
  if (mark !== undefined && !shouldClean(mark, core, truncations, opts.minCleanableDirtyRatio ?? 0)) return { ...result, skipped: true };
  // The log as the scan sees it (same tick as its snapshot): the mark must
  // describe this, not the log at the pass's end — records appended while
  // the pass ran were not scanned, and a mark taken after them would make
  // the next check find "nothing moved" and never clean them.
  const scanned = {
    highWatermark: core.highWatermark,
    logEndOffset: core.state.logEndOffset,
    sizeBytes: core.state.sizeBytes,
    bytesRemovedFromStart: core.bytesRemovedFromStart,
  };
  const scan = await buildKeyIndex(core, opts.maxKeyIndexBytes ?? DEFAULT_MAX_KEY_INDEX_BYTES);
  if (scan === undefined) return { ...result, skipped: true };
  if (mark !== undefined && mark.truncations === truncations && mark.cleanedUpTo >= scan.end && !mark.tombstonesKept) {
    return { ...result, skipped: true };
  }
  const horizon = BigInt(Math.floor(opts.nowMs - opts.deleteRetentionMs));
  const maxBytes = opts.maxBytesPerStep ?? MAINTENANCE_STEP_MAX_BYTES;
  let cursor = scan.start;
  let tombstonesKept = false;
  // Walks the whole range in order across steps: a marker's decision needs its transaction's records before it.
  const txns = new TxnCleaning(core.txns.abortedTransactions());
  while (cursor < scan.end) {
    const step = await core.ctx.exclusive(async () => {
      core.checkWritable();
      if (core.truncations !== truncations) return undefined;
      return compactStep(core, scan.index, txns, horizon, cursor, scan.end, maxBytes);
    });
    if (step === undefined) return { ...result, aborted: true };
    result.batchesRewritten += step.batchesRewritten;
    result.batchesRemoved += step.batchesRemoved;
    result.recordsRemoved += step.recordsRemoved;
    result.bytesFreed += step.bytesFreed;
    tombstonesKept ||= step.tombstonesKept;
    cursor = step.next;
  }
  core.compactionMark = {
    truncations,
    cleanedUpTo: scan.end,
    tombstonesKept,
    highWatermark: scanned.highWatermark,
    logEndOffset: scanned.logEndOffset,
    // What is left of the scanned log: appends during the pass count as dirty.
    sizeBytes: Math.max(0, scanned.sizeBytes - result.bytesFreed),
    bytesRemovedFromStart: scanned.bytesRemovedFromStart,
  };
  return { ...result, cleanedUpTo: scan.end };
}

/**
 * Whether a pass is worth its read, judged without reading (the cleaner
 * checkpoint's job in Kafka): not when nothing moved since the last pass,
 * nor while the bytes written since are below `minDirtyRatio` of the log.
 * Tombstones kept for their horizon make a pass due whatever the ratio,
 * as before. After a restart or a truncation the first pass reads all.
 */
export function shouldClean(
  mark: CompactionMark,
  log: { highWatermark: bigint; bytesRemovedFromStart: number; state: { logEndOffset: bigint; sizeBytes: number } },
  truncations: number,
  minDirtyRatio: number,
): boolean {
  if (mark.truncations !== truncations || mark.tombstonesKept) return true;
  if (log.highWatermark === mark.highWatermark && log.state.logEndOffset === mark.logEndOffset) return false;
  // What the pass left, less what retention removed since (it deletes from the start, i.e. the clean part first).
  const clean = Math.max(0, mark.sizeBytes - (log.bytesRemovedFromStart - mark.bytesRemovedFromStart));
  const size = log.state.sizeBytes;
  const dirty = Math.max(0, size - clean);
  return size > 0 && dirty / size >= minDirtyRatio;
}

/**
 * Pass 1: the latest offset of every key in the cleanable range, and the
 * range itself [start, end). Undefined when nothing is cleanable.
 */
async function buildKeyIndex(core: PartitionCore, maxIndexBytes: number): Promise<{ index: KeyIndex; start: bigint; end: bigint } | undefined> {
  core.checkReadable();
  const kv = core.ctx.kv;
  // Only the stable part: below the HW and the first offset of the oldest open transaction.
  const unstable = core.txns.firstUnstableOffset();
  const stableEnd = unstable !== undefined && unstable < core.highWatermark ? unstable : core.highWatermark;
  const txns = new TxnCleaning(core.txns.abortedTransactions());
  const snapshot = kv.snapshot();
  try {
    const last = await kv.first({ ...dataRange(core.id), reverse: true, keysOnly: true, snapshot });
    if (last === undefined) return undefined;
    const tailBase = baseOffsetOfDataKey(last[0]);
    const index: KeyIndex = new Map();
    let indexBytes = 0;
    let start: bigint | undefined;
    let end = tailBase;
    const it = kv.iterate({ gte: dataRange(core.id).gte, lt: dataKey(core.id, tailBase), snapshot, readAheadBytes: READ_AHEAD_BYTES });
    try {
      for (let e = await it.next(); e !== undefined; e = await it.next()) {
        const base = baseOffsetOfDataKey(e[0]);
        if (summarizeStoredBatch(e[1]).lastOffset >= stableEnd) {
          end = base;
          break;
        }
        if (indexBytes > maxIndexBytes && start !== undefined) {
          end = base;
          break;
        }
        start ??= base;
        const decoded = decodeRecordBatch(e[1]);
        const h = decoded.header;
        // Markers hold no keys; records of an aborted transaction go and hide nothing.
        if (isControlBatch(h.attributes) || (isTransactionalBatch(h.attributes) && txns.isAborted(h.producerId, h.baseOffset))) continue;
        for (const r of decoded.records) {
          if (r.key === null) continue;
          const key = r.key.toString('latin1');
          if (!index.has(key)) indexBytes += key.length + KEY_INDEX_ENTRY_OVERHEAD;
          noteRecord(index, { key, offset: r.offset });
        }
      }
    } finally {
      await it.close();
    }
    if (start === undefined || start >= end) return undefined;
    return { index, start, end };
  } finally {
    await snapshot.close();
  }
}

interface StepResult {
  next: bigint;
  batchesRewritten: number;
  batchesRemoved: number;
  recordsRemoved: number;
  bytesFreed: number;
  tombstonesKept: boolean;
}

/** Pass 2, one step: batches from `cursor` (below `end`) up to the step's bounds, in one write. */
async function compactStep(core: PartitionCore, index: KeyIndex, txns: TxnCleaning, horizon: bigint, cursor: bigint, end: bigint, maxBytes: number): Promise<StepResult> {
  const step: StepResult = { next: end, batchesRewritten: 0, batchesRemoved: 0, recordsRemoved: 0, bytesFreed: 0, tombstonesKept: false };
  const keep = protectedBatches(core);
  const ops: KvOp[] = [];
  const abortMarkersRemoved: bigint[] = [];
  const abortMarkers = new Set(core.txns.abortedTransactions().map((t) => t.lastOffset));
  let examinedBytes = 0;
  let examined = 0;
  const it = core.ctx.kv.iterate({ gte: dataKey(core.id, cursor), lt: dataKey(core.id, end), readAheadBytes: READ_AHEAD_BYTES });
  try {
    for (let e = await it.next(); e !== undefined; e = await it.next()) {
      const base = baseOffsetOfDataKey(e[0]);
      if (examined > 0 && (examined >= core.ctx.maintenanceChunkBatches || examinedBytes + e[1].length > maxBytes)) {
        step.next = base;
        break;
      }
      examined++;
      examinedBytes += e[1].length;
      const header = readBatchHeader(e[1]);
      const transactional = isTransactionalBatch(header.attributes);
      if (isControlBatch(header.attributes)) {
        const verdict = txns.marker(header.producerId, header.maxTimestamp, horizon);
        step.tombstonesKept ||= verdict.waiting;
        if (!verdict.remove || keep.has(base)) continue;
        ops.push({ type: 'del', key: e[0] });
        if (abortMarkers.has(base)) abortMarkersRemoved.push(base);
        step.bytesFreed += e[1].length;
        step.recordsRemoved += header.recordCount;
        step.batchesRemoved++;
        continue;
      }
      if (keep.has(base)) {
        if (transactional) txns.keptData(header.producerId);
        continue;
      }
      const records = decodeRecordBatch(e[1]).records;
      // A transaction's records go when it was aborted, else they compact like any.
      const aborted = transactional && txns.isAborted(header.producerId, base);
      const survivors = aborted ? [] : records.filter((r) => recordSurvives(toCompactionRecord(r), index, horizon));
      if (transactional && survivors.length > 0) txns.keptData(header.producerId);
      if (survivors.some((r) => r.value === null)) step.tombstonesKept = true;
      if (survivors.length === records.length) continue;
      const replacements = consecutiveRuns(survivors).map((run) => rewriteRun(header, run));
      if (!replacements.some((b) => b.readBigInt64BE(0) === base)) ops.push({ type: 'del', key: e[0] });
      for (const b of replacements) ops.push({ type: 'put', key: dataKey(core.id, b.readBigInt64BE(0)), value: b });
      const written = replacements.reduce((n, b) => n + b.length, 0);
      step.bytesFreed += e[1].length - written;
      step.recordsRemoved += records.length - survivors.length;
      if (replacements.length === 0) step.batchesRemoved++;
      else step.batchesRewritten++;
    }
  } finally {
    await it.close();
  }
  if (ops.length === 0) return step;
  const next = { ...core.state, sizeBytes: core.state.sizeBytes - step.bytesFreed };
  assert(next.sizeBytes >= 0, `partition size went negative (${next.sizeBytes}) compacting partition id ${core.id}`);
  const abortedIndex = core.txns.planAbortedRemoval(core.id, abortMarkersRemoved);
  await core.ctx.write([...ops, ...abortedIndex.ops, ...sideKeyOps(core.id, core.state, next)]);
  core.commit(next);
  abortedIndex.apply();
  // Rewritten batches must not be served from their old bytes.
  core.tail.clear();
  return step;
}

function toCompactionRecord(r: DecodedRecord): CompactionRecord {
  return { offset: r.offset, key: r.key === null ? null : r.key.toString('latin1'), tombstone: r.value === null, timestamp: r.timestamp };
}

/**
 * Batches kept whole: each idempotent producer's last (up to five) batches,
 * as the committed producer state names them. Rebuilding producer state
 * after a truncation or a crash replays batches from a snapshot; as long as
 * these survive intact the replay ends in the same state, so a retry of a
 * recent batch is still recognised as a duplicate (Kafka's cleaner likewise
 * retains each producer's last batch).
 */
function protectedBatches(core: PartitionCore): Set<bigint> {
  const bases = new Set<bigint>();
  for (const entry of core.producers.committed.values()) for (const b of entry.batches) bases.add(b.firstOffset);
  return bases;
}

/**
 * One run of consecutive surviving records as a batch of its own: same
 * leader epoch, codec, timestamp type, producer id and epoch, transactional
 * flag; the base sequence moves by as many records as the run starts after
 * the original batch, so each record keeps its sequence number.
 */
function rewriteRun(header: BatchHeader, run: DecodedRecord[]): Buffer {
  const first = run[0]!;
  const skipped = Number(first.offset - header.baseOffset);
  const baseSequence = header.baseSequence < 0 ? header.baseSequence : (header.baseSequence + skipped) % (MAX_SEQUENCE + 1);
  const batch = encodeRecordBatch(
    run.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
    {
      baseOffset: first.offset,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      compression: compressionOf(header.attributes),
      timestampType: timestampTypeOf(header.attributes),
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence,
      isTransactional: isTransactionalBatch(header.attributes),
    },
  );
  assert(lastOffsetOf(readBatchHeader(batch)) === run[run.length - 1]!.offset, 'a rewritten run does not end at its last record');
  return batch;
}
