/**
 * The latency bench's breakdown (issue #13): one acks=all record's time from
 * `send` to its acknowledgement, cut into stages by the timestamps of the
 * SDK (request handed to gRPC) and of the partition leader's produce trace
 * (/debug/latency), all on the host's monotonic clock. Pure (tested in
 * scripts/test).
 */

/** A record the bench sent: when, where it landed, when its ack arrived. */
export interface SentRecord {
  partition: number;
  offset: bigint;
  enqueueMs: number;
  ackMs: number;
}

/** One Produce request's share of a partition, in the order the SDK sent them. */
export interface SentBatch {
  partition: number;
  recordCount: number;
  atMs: number;
}

/** The leader's timestamps of one batch (a node's ProduceTraceSample, as JSON). */
export interface LeaderTrace {
  partition: number;
  baseOffset: string;
  endOffset: string;
  receivedMs: number;
  appendedMs: number;
  writtenMs: number | null;
  replicatedMs: number | null;
  highWatermarkMs: number | null;
  answeredMs: number;
}

export const STAGES = [
  'enqueue_to_sent',
  'sent_to_leader_appended',
  'appended_to_followers_fetched',
  'followers_fetched_to_hw',
  'hw_to_received',
] as const;
export type Stage = (typeof STAGES)[number];

export interface Breakdown {
  /** Records matched with their request and their leader trace. */
  traced: number;
  /**
   * p50 / p99 of each stage, ms; null where no record had it (acks=1 has no
   * follower stages). Per record they add up to its latency. "appended" is
   * the leader's append being issued (offsets assigned): followers may
   * fetch the batch from then on, while the leader still writes it.
   */
  stages: Record<Stage, { p50: number; p99: number } | null>;
  /** The leader's own storage write (from the append being issued), which runs alongside the follower stages. */
  leader_write: { p50: number; p99: number } | null;
}

/**
 * Records per partition in offset order are the SDK's sends in order (one
 * idempotent producer; the broker appends a partition's batches in sequence
 * order), so the k-th batch sent to a partition holds the next
 * `recordCount` records. Without follower stages (acks=1, or a single
 * replica) the last stage runs from the leader's append to the ack.
 */
export function latencyBreakdown(records: readonly SentRecord[], batches: readonly SentBatch[], traces: readonly LeaderTrace[]): Breakdown {
  const sentAt = new Map<string, number>();
  const byPartition = new Map<number, SentRecord[]>();
  for (const r of records) {
    let list = byPartition.get(r.partition);
    if (list === undefined) byPartition.set(r.partition, (list = []));
    list.push(r);
  }
  const batchesOf = new Map<number, SentBatch[]>();
  for (const b of batches) {
    let list = batchesOf.get(b.partition);
    if (list === undefined) batchesOf.set(b.partition, (list = []));
    list.push(b);
  }
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    let i = 0;
    for (const b of batchesOf.get(partition) ?? []) {
      for (let n = 0; n < b.recordCount && i < list.length; n++, i++) sentAt.set(`${partition}:${list[i]!.offset}`, b.atMs);
    }
  }
  const traceOf = new Map<string, LeaderTrace>();
  for (const t of traces) {
    for (let o = BigInt(t.baseOffset); o < BigInt(t.endOffset); o++) traceOf.set(`${t.partition}:${o}`, t);
  }
  const values: Record<Stage, number[]> = {
    enqueue_to_sent: [],
    sent_to_leader_appended: [],
    appended_to_followers_fetched: [],
    followers_fetched_to_hw: [],
    hw_to_received: [],
  };
  const writes: number[] = [];
  let traced = 0;
  for (const r of records) {
    const key = `${r.partition}:${r.offset}`;
    const sent = sentAt.get(key);
    const t = traceOf.get(key);
    if (sent === undefined || t === undefined) continue;
    traced++;
    values.enqueue_to_sent.push(sent - r.enqueueMs);
    values.sent_to_leader_appended.push(t.appendedMs - sent);
    if (t.writtenMs !== null) writes.push(t.writtenMs - t.appendedMs);
    const replicated = t.replicatedMs !== null && t.highWatermarkMs !== null;
    if (replicated) {
      values.appended_to_followers_fetched.push(t.replicatedMs! - t.appendedMs);
      values.followers_fetched_to_hw.push(t.highWatermarkMs! - t.replicatedMs!);
    }
    values.hw_to_received.push(r.ackMs - (replicated ? t.highWatermarkMs! : t.appendedMs));
  }
  const summary = (v: number[]): { p50: number; p99: number } | null => {
    v.sort((a, b) => a - b);
    return v.length === 0 ? null : { p50: round(percentile(v, 50)), p99: round(percentile(v, 99)) };
  };
  const stages = {} as Breakdown['stages'];
  for (const s of STAGES) stages[s] = summary(values[s]);
  return { traced, stages, leader_write: summary(writes) };
}

/** A record a push-latency subscriber received: when it was sent, acked to the producer and received, host monotonic ms. */
export interface PushedRecord {
  partition: number;
  offset: bigint;
  sentMs: number;
  ackedMs: number;
  receivedMs: number;
}

/** p50 / p99 of push latency measured from each starting point, ms; null where no record had it. */
export interface PushBreakdown {
  /** Records matched with their leader trace. */
  traced: number;
  /** Producer's send → subscriber: the produce path with its replication is inside. */
  from_send: { p50: number; p99: number } | null;
  /** The leader's append (offsets assigned) → subscriber: includes the wait for the high watermark (acks=all: the followers). */
  from_append: { p50: number; p99: number } | null;
  /** The record committed (the leader's high watermark passed it; its append without followers) → subscriber: the Subscribe path alone. */
  from_commit: { p50: number; p99: number } | null;
  /** Producer's ack → subscriber (0 when the push came first: both leave the leader at the commit). */
  from_ack: { p50: number; p99: number } | null;
  /** The leader's append → its high watermark: the replication part of from_append, for reference. */
  append_to_commit: { p50: number; p99: number } | null;
}

/**
 * Push latency from each point of a record's way (issue #17's "append →
 * subscriber receives"): joins each received record with its leader's
 * produce trace (partition and offset; the traces' endOffset is exclusive),
 * all times on the host's monotonic clock. Pure.
 */
export function pushBreakdown(received: readonly PushedRecord[], traces: readonly LeaderTrace[]): PushBreakdown {
  const traceOf = new Map<string, LeaderTrace>();
  for (const t of traces) {
    for (let o = BigInt(t.baseOffset); o < BigInt(t.endOffset); o++) traceOf.set(`${t.partition}:${o}`, t);
  }
  const fromSend: number[] = [];
  const fromAck: number[] = [];
  const fromAppend: number[] = [];
  const fromCommit: number[] = [];
  const appendToCommit: number[] = [];
  let traced = 0;
  for (const r of received) {
    fromSend.push(r.receivedMs - r.sentMs);
    fromAck.push(Math.max(0, r.receivedMs - r.ackedMs));
    const t = traceOf.get(`${r.partition}:${r.offset}`);
    if (t === undefined) continue;
    traced++;
    const committedMs = t.highWatermarkMs ?? t.appendedMs;
    fromAppend.push(r.receivedMs - t.appendedMs);
    fromCommit.push(r.receivedMs - committedMs);
    appendToCommit.push(committedMs - t.appendedMs);
  }
  const summary = (v: number[]): { p50: number; p99: number } | null => {
    v.sort((a, b) => a - b);
    return v.length === 0 ? null : { p50: round(percentile(v, 50)), p99: round(percentile(v, 99)) };
  };
  return { traced, from_send: summary(fromSend), from_append: summary(fromAppend), from_commit: summary(fromCommit), from_ack: summary(fromAck), append_to_commit: summary(appendToCommit) };
}

/** The value below which p% of the sorted values fall (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function round(ms: number): number {
  return Number(ms.toFixed(3));
}
