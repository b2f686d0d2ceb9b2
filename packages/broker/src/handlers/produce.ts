import { GregorError, isGregorError, tpKey, type ErrorName } from '@gregor/common';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse, ProduceTopicResponse } from '../api/produce';
import { setMaxTimestamp, TimestampType, validateRecordBatches, type ValidatedBatch } from '@gregor/record-batch';
import { isInternalTopic } from '../internal-topics';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import type { LedPartition } from '../replica/replica-manager';
import type { AppendOutcome } from '../storage-port';
import type { TraceEntry } from '../produce-trace';
import { checkCompactedKeys } from '../compacted-keys';
import { checkTransactionalProduce } from './produce-txn-check';

const VALID_ACKS = new Set([0, 1, -1]);

interface PendingAppend {
  result: ProducePartitionResponse;
  led: LedPartition;
  records: Buffer;
  recordCount: number;
  logAppendTimeMs: number | undefined;
  minInsyncReplicas: number;
  /** Set once appended: the offset the high watermark must reach for acks=all. */
  requiredOffset?: bigint;
  /** Refused for now: an idempotent batch ahead of its producer's sequence (see holdEarlyArrivals). */
  early?: GregorError;
  /** appendSignals version of its partition right after its last append attempt. */
  appendVersion?: number;
  /** Latency tracing (acks 1 and all, when on): when the request arrived, and the open entry once appended. */
  receivedMs?: number;
  trace?: TraceEntry;
}

/**
 * How long an idempotent batch that arrived ahead of its producer's sequence
 * is held for the batches before it. A producer pipelines up to five
 * requests per partition and HTTP/2 does not keep them in order (a larger
 * request that started first may finish arriving last): refusing the early
 * one would make the client resend it and everything after it, one at a
 * time. The ones before it are normally milliseconds away.
 */
export const EARLY_ARRIVAL_WAIT_MS = 500;

/** Longest acks=all wait, whatever timeout_ms asks (a waiter holds a timer and a slot). */
export const MAX_PRODUCE_TIMEOUT_MS = 300_000;

/**
 * Checks one partition's records without decoding any record: frame, CRC,
 * codec and size of each batch (record-batch's validator). Anything that is
 * not a GregorError (a bug in reading the frame) still counts as bad input.
 * Returns the batches found and their record count.
 */
export function checkProducedRecords(records: Buffer, maxMessageBytes: number, origin: 'client' | 'replication' = 'client'): { batches: ValidatedBatch[]; recordCount: number } {
  let batches: ValidatedBatch[];
  try {
    batches = validateRecordBatches(records, { origin, maxBatchBytes: maxMessageBytes });
  } catch (err) {
    if (isGregorError(err)) throw err;
    throw new GregorError('CORRUPT_MESSAGE', `record batches could not be read: ${String(err)}`);
  }
  let recordCount = 0;
  for (const batch of batches) recordCount += batch.header.recordCount;
  return { batches, recordCount };
}

/**
 * LogAppendTime topics: the leader stamps each batch's maxTimestamp with its
 * clock (Kafka's LogValidator), which rewrites the batch CRC once per batch
 * — no per-record work.
 */
function stampLogAppendTime(records: Buffer, batches: readonly ValidatedBatch[], nowMs: number): void {
  for (const b of batches) setMaxTimestamp(records, TimestampType.LogAppendTime, BigInt(nowMs), b.pos);
}

/**
 * Produce: validate every partition, then one storage write for all the
 * valid ones (appendMany), then advance the HW and wake waiting fetches.
 * acks=0 answers before the write; its failures are only logged, as in
 * Kafka where such a producer never hears back. acks=all (-1) first needs
 * an ISR of at least min.insync.replicas (else NOT_ENOUGH_REPLICAS, nothing
 * written), then waits until the high watermark passes each partition's
 * last offset (see awaitReplication).
 */
/**
 * The broker's own writers produce through the same path. Coordinators
 * (groups, transactions) may write to internal topics, which clients may
 * not (Kafka: INVALID_TOPIC_EXCEPTION), and only as the leader in the epoch
 * they loaded in: the check and the append's start are one synchronous
 * step. WriteTxnMarkers writes control batches (transaction markers),
 * which clients may not either.
 */
export type InternalProduce = { coordinatorLeaderEpoch: number } | { txnMarkers: true };

export async function handleProduce(ctx: BrokerContext, req: ProduceRequest, outcome: RequestOutcome, internal?: InternalProduce): Promise<ProduceResponse> {
  const acks = req.acks;
  const receivedMs = acks !== 0 ? ctx.produceTrace?.now() : undefined;
  // KIP-890 part 1: a producer's first transactional batch on a partition waits for its coordinator's word (only then).
  const txnCheck = internal === undefined && ctx.config.transactionPartitionVerificationEnable ? checkTransactionalProduce(ctx, req) : undefined;
  const txnRefused = txnCheck === undefined ? undefined : await txnCheck;
  const pending: PendingAppend[] = [];
  const seen = new Set<string>();
  const topics: ProduceTopicResponse[] = [];
  for (const topic of req.topics) {
    const partitions: ProducePartitionResponse[] = [];
    for (const p of topic.partitions) {
      const result: ProducePartitionResponse = { partition: p.partition, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, error: null };
      partitions.push(result);
      const where = { topic: topic.name, partition: p.partition };
      try {
        if (!VALID_ACKS.has(acks)) throw new GregorError('INVALID_REQUIRED_ACKS', `acks must be 0, 1 or -1, got ${acks}`);
        const key = tpKey(topic.name, p.partition);
        if (seen.has(key)) throw new GregorError('INVALID_REQUEST', `${key} appears more than once in the request`);
        seen.add(key);
        if (internal === undefined && isInternalTopic(topic.name)) {
          throw new GregorError('INVALID_TOPIC_EXCEPTION', `${topic.name} is internal: only its coordinator writes to it`, where);
        }
        const txnRefusal = txnRefused?.get(key);
        if (txnRefusal !== undefined) throw txnRefusal;
        // No await unless a role change must run first: requests then reach
        // the append in the order they arrived, which an idempotent
        // producer's pipelined batches of one partition rely on.
        const led = ctx.replicas.leaderForNow(topic.name, p.partition) ?? (await ctx.replicas.leaderFor(topic.name, p.partition));
        if (internal !== undefined && 'coordinatorLeaderEpoch' in internal && led.leader.leaderEpoch !== internal.coordinatorLeaderEpoch) {
          throw new GregorError('NOT_LEADER_OR_FOLLOWER', `${key} is led in epoch ${led.leader.leaderEpoch}, the coordinator loaded in ${internal.coordinatorLeaderEpoch}`, where);
        }
        const config = ctx.topicConfigs.get(led.topic);
        const markers = internal !== undefined && 'txnMarkers' in internal;
        // The broker's own batches skip the producer rules (markers, a coordinator's unsequenced transactional offsets).
        const { batches, recordCount } = checkProducedRecords(p.records, config.maxMessageBytes, internal !== undefined ? 'replication' : 'client');
        if (config.cleanupPolicy.includes('compact') && !markers) checkCompactedKeys(p.records, batches);
        // Kafka checks the committed ISR before appending (Partition.appendRecordsToLeader).
        if (acks === -1 && led.leader.isr.length < config.minInsyncReplicas) {
          throw new GregorError(
            'NOT_ENOUGH_REPLICAS',
            `${led.leader.isr.length} in-sync replicas [${led.leader.isr.join(',')}], min.insync.replicas is ${config.minInsyncReplicas}`,
            where,
          );
        }
        let logAppendTimeMs: number | undefined;
        if (config.messageTimestampType === 'LogAppendTime') {
          logAppendTimeMs = ctx.clock.nowMs();
          stampLogAppendTime(p.records, batches, logAppendTimeMs);
        }
        pending.push({ result, led, records: p.records, recordCount, logAppendTimeMs, minInsyncReplicas: config.minInsyncReplicas, receivedMs });
      } catch (err) {
        result.error = outcome.fail(err, where);
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  if (pending.length === 0) return { topics };
  if (acks === -1 && !ctx.producePurgatory.tryReserve(pending.length)) {
    const full = new GregorError(
      'REQUEST_TIMED_OUT',
      `${ctx.producePurgatory.size} acks=all partitions are already waiting (limit ${ctx.producePurgatory.maxWaiting}); nothing was written`,
    );
    for (const a of pending) a.result.error = outcome.fail(full, { topic: a.led.topic.name, partition: a.led.assignment.partition });
    return { topics };
  }
  // acks=0 has already answered by the time the write ends: its results
  // go to copies, never to the response being serialised.
  const targets = acks === 0 ? pending.map((a) => ({ ...a, result: { ...a.result } })) : pending;
  const write = ctx.track(appendAll(ctx, targets, outcome));
  // appendAll reports failures per partition (and logs them); it only
  // rejects on a bug, which the RPC wrapper turns into INTERNAL.
  if (acks === 0) {
    write.catch((err: unknown) => ctx.logger.error('acks=0 produce failed', { err: String(err) }));
    return { topics };
  }
  const timeoutMs = req.timeoutMs > 0 ? Math.min(req.timeoutMs, MAX_PRODUCE_TIMEOUT_MS) : ctx.config.defaultProduceTimeoutMs;
  if (acks === 1) {
    await write;
    await holdEarlyArrivals(ctx, pending, outcome, timeoutMs);
    for (const a of pending) if (a.trace !== undefined) ctx.produceTrace?.answered(a.trace);
    return { topics };
  }
  try {
    await write;
    await holdEarlyArrivals(ctx, pending, outcome, timeoutMs);
  } catch (err) {
    ctx.producePurgatory.release(pending.length);
    throw err;
  }
  await Promise.all(pending.map((a) => awaitReplication(ctx, a, timeoutMs, outcome)));
  return { topics };
}

/**
 * acks=all, after the append (Kafka's DelayedProduce): done when the high
 * watermark reaches the batch's end — then NONE, or
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below
 * min.insync.replicas meanwhile (the records are committed but not as
 * durably as asked); NOT_LEADER_OR_FOLLOWER if leadership moves or the
 * broker stops first; REQUEST_TIMED_OUT after `timeoutMs`. In the error
 * cases the records may or may not survive, as in Kafka. Uses the slot
 * reserved before the append.
 */
async function awaitReplication(ctx: BrokerContext, a: PendingAppend, timeoutMs: number, outcome: RequestOutcome): Promise<void> {
  if (a.requiredOffset === undefined) {
    if (a.trace !== undefined) ctx.produceTrace?.answered(a.trace);
    ctx.producePurgatory.release(1); // the append failed; its error is already in the result
    return;
  }
  const required = a.requiredOffset;
  const leader = a.led.leader;
  const result = await ctx.producePurgatory.wait(leader.key, timeoutMs, () => {
    if (leader.deposed || ctx.replicas.leaderOf(leader.key) !== leader) return 'NOT_LEADER_OR_FOLLOWER';
    if (leader.log.highWatermark >= required) return leader.isr.length >= a.minInsyncReplicas ? 'NONE' : 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
    if (ctx.isStopping()) return 'NOT_LEADER_OR_FOLLOWER';
    return undefined;
  });
  if (a.trace !== undefined) ctx.produceTrace?.answered(a.trace);
  if (result === 'NONE') return;
  const where = { topic: leader.topic, partition: leader.partition };
  const messages: Partial<Record<ErrorName, string>> = {
    NOT_LEADER_OR_FOLLOWER: `node ${ctx.config.nodeId} stopped leading ${leader.key} before the records were replicated`,
    NOT_ENOUGH_REPLICAS_AFTER_APPEND: `records written, but the ISR [${leader.isr.join(',')}] is smaller than min.insync.replicas ${a.minInsyncReplicas}`,
    REQUEST_TIMED_OUT: `records not replicated to the ISR within ${timeoutMs} ms`,
  };
  const assignment = ctx.metadata.topic(leader.topic)?.partitions[leader.partition];
  const hint = result === 'NOT_LEADER_OR_FOLLOWER' ? { leaderHint: assignment === undefined ? -1 : ctx.replicas.advertisedLeader(leader.topic, assignment) } : {};
  a.result.error = outcome.fail(new GregorError(result, messages[result] ?? 'acks=all failed', { ...where, ...hint }), where);
  a.result.baseOffset = -1n;
}

async function appendAll(ctx: BrokerContext, pending: PendingAppend[], outcome: RequestOutcome): Promise<void> {
  // Leadership may have moved while the request was being checked; the
  // check and the start of the append are one synchronous step, so a
  // broker stepping down waits for exactly the appends it let through.
  const live: PendingAppend[] = [];
  for (const a of pending) {
    if (a.led.leader.deposed) {
      const where = { topic: a.led.topic.name, partition: a.led.assignment.partition };
      a.result.error = outcome.fail(new GregorError('NOT_LEADER_OR_FOLLOWER', `leadership of ${a.led.leader.key} moved`, where), where);
    } else {
      live.push(a);
    }
  }
  if (live.length === 0) return;
  let results: AppendOutcome[];
  try {
    // What a held batch has seen: an append signalled after this is news to it.
    for (const a of live) a.appendVersion = ctx.appendSignals.version(a.led.leader.key);
    const assignedBefore = ctx.produceTrace === undefined ? undefined : live.map((a) => a.led.log.assignedEndOffset);
    const firstInLine = !ctx.store.writesWaiting;
    const write = ctx.store.appendMany(live.map((a) => ({ log: a.led.log, batches: a.records, leaderEpoch: a.led.leader.leaderEpoch })));
    for (const a of live) a.led.leader.trackAppend(write);
    if (assignedBefore !== undefined) traceIssued(ctx, live, assignedBefore);
    // The offsets are assigned: parked follower fetches can take the batches
    // now, while this leader's own write runs (readForFollower), instead of
    // one storage write later (issue #13). Only for the first append in
    // line: later ones join a group (a busy leader) and the followers take
    // the whole group in one fetch once it is written, as before.
    if (firstInLine) for (const a of live) ctx.purgatory.notify(a.led.leader.key);
    results = await write;
  } catch (err) {
    const failure = isGregorError(err) ? err : new GregorError('KAFKA_STORAGE_ERROR', `append failed: ${String(err)}`, {}, err);
    ctx.logger.error('append failed', { partitions: live.length, err: err instanceof Error ? err.stack : String(err) });
    for (const a of live) a.result.error = outcome.fail(failure, { topic: a.led.topic.name, partition: a.led.assignment.partition });
    return;
  }
  live.forEach((a, i) => {
    const appended = results[i]!;
    const log = a.led.log;
    if (isGregorError(appended)) {
      // Refused by the partition's producer state (sequence gap, fenced epoch): nothing written.
      if (appended.context['early'] === true) a.early = appended;
      else a.result.error = outcome.fail(appended, { topic: a.led.topic.name, partition: a.led.assignment.partition });
      return;
    }
    // A duplicate (an idempotent producer's retry) answers with the original
    // offsets, and with acks=all once those are replicated, as Kafka does.
    a.requiredOffset = appended.lastOffset + 1n;
    a.result.baseOffset = appended.baseOffset;
    if (a.trace !== undefined) ctx.produceTrace?.written(a.trace);
    a.result.logStartOffset = log.logStartOffset;
    if (appended.duplicate === true) {
      if (a.logAppendTimeMs !== undefined) a.result.logAppendTimeMs = appended.maxTimestamp;
      return;
    }
    if (a.logAppendTimeMs !== undefined) a.result.logAppendTimeMs = BigInt(a.logAppendTimeMs);
    // Only a real append moves producer state: refusals must not wake held
    // batches, or two of them would wake each other in a loop.
    ctx.appendSignals.notify(a.led.leader.key);
    ctx.observer.bytesIn(a.led.topic.name, a.records.length, a.recordCount);
    ctx.replicas.afterLeaderAppend(a.led.leader);
    // Wakes parked follower fetches (new data) and consumer fetches (if the HW moved).
    ctx.purgatory.notify(a.led.leader.key);
  });
}

/**
 * Latency tracing: an entry per partition whose append was just given
 * offsets (the assigned end moved; refused and duplicate batches do not
 * move it), opened before the write so that follower reads of the batch
 * while the leader still writes it are seen.
 */
function traceIssued(ctx: BrokerContext, live: readonly PendingAppend[], assignedBefore: readonly bigint[]): void {
  live.forEach((a, i) => {
    const before = assignedBefore[i]!;
    const after = a.led.log.assignedEndOffset;
    if (a.receivedMs === undefined || a.trace !== undefined || after <= before) return;
    a.trace = ctx.produceTrace?.appended(a.led.leader.key, a.led.leader.topic, a.led.leader.partition, before, after, a.receivedMs);
  });
}

/**
 * Idempotent batches refused as early (ahead of their producer's sequence)
 * wait, at most EARLY_ARRIVAL_WAIT_MS (and the request timeout), for an
 * append to their partitions and are tried again — in one storage write for
 * all of them each time — until they go in, are refused for good, or time
 * runs out; then the refusal stands. Only this path may take a second write
 * for one request.
 */
async function holdEarlyArrivals(ctx: BrokerContext, pending: PendingAppend[], outcome: RequestOutcome, timeoutMs: number): Promise<void> {
  let early = pending.filter((a) => a.early !== undefined);
  const deadline = ctx.clock.monotonicMs() + Math.min(EARLY_ARRIVAL_WAIT_MS, timeoutMs);
  while (early.length > 0 && !ctx.isStopping()) {
    const seen = new Map(early.map((a) => [a.led.leader.key, a.appendVersion ?? 0] as const));
    if (!(await ctx.appendSignals.wait(seen, deadline - ctx.clock.monotonicMs()))) break;
    for (const a of early) a.early = undefined;
    await appendAll(ctx, early, outcome);
    early = early.filter((a) => a.early !== undefined);
  }
  for (const a of early) {
    a.result.error = outcome.fail(a.early, { topic: a.led.topic.name, partition: a.led.assignment.partition });
    a.early = undefined;
  }
}
