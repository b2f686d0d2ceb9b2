import { GregorError, isGregorError, type Logger } from '@gregor/common';
import { lastOffsetOf, validateRecordBatches } from '@gregor/record-batch';
import { outOfRangeAction, truncationPoint, type EpochEndOffset } from './epochs';
import type { PartitionFetch } from './partition-fetch';
import type { ReplicaFetchPartitionResponse } from './replication-client';

/** What applying one partition's answer led to; the loop turns failures into backoff. */
export type ApplyOutcome = { ok: true } | { ok: false; error: GregorError };

const OK: ApplyOutcome = { ok: true };

function fail(err: unknown, p: PartitionFetch): ApplyOutcome {
  const error = isGregorError(err)
    ? err
    : new GregorError('UNKNOWN_SERVER_ERROR', `follower of ${p.key}: ${String(err)}`, { topic: p.topic, partition: p.partition }, err);
  return { ok: false, error };
}

/**
 * Truncates to where the leader says our histories part (KIP-101/279).
 * Returns whether the truncation is final; when it is not, the partition
 * asks again with its new, older, latest epoch.
 */
async function truncateTowards(p: PartitionFetch, leader: EpochEndOffset, logger: Logger, why: string): Promise<boolean> {
  const log = p.log;
  const decision = truncationPoint(leader, log.endOffsetForEpoch(leader.epoch), log.logEndOffset, log.highWatermark);
  if (decision.truncateTo < log.logEndOffset) {
    const from = log.logEndOffset;
    await log.truncateTo(decision.truncateTo);
    logger.info('follower truncated diverging tail', {
      topic: p.topic,
      partition: p.partition,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      why,
      leaderEpochEnd: { epoch: leader.epoch, endOffset: leader.endOffset.toString() },
      fromOffset: from.toString(),
      toOffset: log.logEndOffset.toString(),
    });
  }
  return decision.complete;
}

/** The OffsetsForLeaderEpoch answer for a partition in the truncating phase. */
export async function applyEpochAnswer(p: PartitionFetch, answer: EpochEndOffset, logger: Logger): Promise<void> {
  if (await truncateTowards(p, answer, logger, 'OffsetsForLeaderEpoch')) p.phase = 'fetching';
}

/**
 * One partition of a fetch answer: truncate on divergence or when out of
 * range, else append the batches exactly as the leader sent them and take
 * the leader's high watermark (never past our own log end).
 */
export async function applyFetchResponse(p: PartitionFetch, r: ReplicaFetchPartitionResponse, logger: Logger): Promise<ApplyOutcome> {
  const log = p.log;
  try {
    if (r.error !== undefined) {
      if (r.error.errorName !== 'OFFSET_OUT_OF_RANGE') return { ok: false, error: r.error };
      const action = outOfRangeAction(log.logEndOffset, r.logStartOffset, r.logEndOffset);
      const where = { topic: p.topic, partition: p.partition, leader: p.leaderId, logEndOffset: log.logEndOffset.toString() };
      if (action.kind === 'truncate') {
        logger.warn('leader log ends before ours: truncating (the leader was elected uncleanly)', { ...where, toOffset: action.offset.toString() });
        await log.truncateTo(action.offset);
      } else if (action.kind === 'restart-at') {
        logger.warn('leader log starts after ours ends: restarting the log there', { ...where, startOffset: action.offset.toString() });
        await log.truncateFullyAndStartAt(action.offset);
      }
      return OK;
    }
    if (r.divergingEpoch !== undefined) {
      await truncateTowards(p, r.divergingEpoch, logger, 'diverging epoch in fetch');
      return OK;
    }
    if (r.records.length > 0) await appendFetched(p, r.records);
    log.setHighWatermark(r.highWatermark < log.logEndOffset ? r.highWatermark : log.logEndOffset);
    await followLogStart(p, r.logStartOffset, logger);
    return OK;
  } catch (err) {
    return fail(err, p);
  }
}

/**
 * Takes the leader's log start offset (moved by DeleteRecords or its
 * retention), as Kafka's follower does after each fetch
 * (maybeIncrementLogStartOffset): never past our own high watermark, so a
 * lagging follower catches up to it over later fetches. The next fetch
 * reports our new log start, which a DeleteRecords on the leader waits for.
 */
async function followLogStart(p: PartitionFetch, leaderLogStartOffset: bigint, logger: Logger): Promise<void> {
  const log = p.log;
  const target = leaderLogStartOffset < log.highWatermark ? leaderLogStartOffset : log.highWatermark;
  if (target <= log.logStartOffset) return;
  const from = log.logStartOffset;
  await log.deleteRecordsBefore(target);
  logger.debug("follower took the leader's log start", {
    topic: p.topic,
    partition: p.partition,
    leader: p.leaderId,
    fromOffset: from.toString(),
    toOffset: log.logStartOffset.toString(),
  });
}

/**
 * Checks frames and CRCs (a follower trusts no wire), skips whole batches we
 * already have (the leader returns the batch containing the fetch offset,
 * which normally starts exactly there), and appends the rest in one call.
 */
async function appendFetched(p: PartitionFetch, records: Buffer): Promise<void> {
  const batches = validateRecordBatches(records, { origin: 'replication' });
  const end = p.log.logEndOffset;
  let start = 0;
  for (const b of batches) {
    const last = lastOffsetOf(b.header);
    if (last >= end) {
      // A batch that starts after our end is a gap the leader's log
      // compaction left (offsets kept, records removed): append it as is.
      // One that starts before our end but ends after it would overlap
      // records we hold: never valid.
      if (b.header.baseOffset < end) {
        throw new GregorError('CORRUPT_MESSAGE', `leader sent a batch at ${b.header.baseOffset}..${last}, our log ends at ${end}`, {
          topic: p.topic,
          partition: p.partition,
        });
      }
      start = b.pos;
      await p.log.appendAsFollower(start === 0 ? records : records.subarray(start));
      return;
    }
  }
}
