import type * as grpc from '@grpc/grpc-js';
import { GregorError, systemClock, tpKey, type Clock, type Logger, type TopicPartition } from '@gregor/common';
import type { Consumer, ConsumerRecord, Gregor } from '@gregor/client';
import { encodeSubscribeRecords, type RecordsWireAckRange, type SubscribeRequestIn, type SubscribeResponse } from '@gregor/proto';
import { toServiceError } from './grpc-status';
import type { SubscribeSettings } from './subscribe-open';
import { OutstandingWindow, type CommitOffset } from './subscribe-outstanding';

/** Records go out as Buffers encoded by `encodeSubscribeRecords`; assignment notices as plain objects (recordsServiceDefinition). */
export type SubscribeCall = grpc.ServerDuplexStream<SubscribeRequestIn, Buffer | SubscribeResponse>;

/** How the in-process group consumer of every stream is run (the node's settings, not the subscriber's). */
export interface SubscribeConsumerSettings {
  /**
   * The group session timeout: how long a stream on a dead node keeps its
   * partitions (default 6 s, the coordinators' default
   * group.min.session.timeout.ms; heartbeats every second keep a live
   * member well inside it).
   */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Prefetch per partition (the consumer's maxPartitionBytes): with the outstanding bound, the stream's memory. */
  maxPartitionBytes: number;
  /** How often the stream looks for expired ack deadlines (and at most how long it waits in a poll). */
  tickMs: number;
  /**
   * Acks are committed at most this often per stream (one OffsetCommit
   * carries every prefix that moved): committing after every ack message
   * loaded the node enough to add tens of ms to push latency.
   */
  commitIntervalMs: number;
}

export const DEFAULT_SUBSCRIBE_CONSUMER: SubscribeConsumerSettings = {
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 1_000,
  maxPartitionBytes: 1024 * 1024,
  tickMs: 200,
  commitIntervalMs: 100,
};

export interface SubscribeSessionDeps {
  client: Gregor;
  logger: Logger;
  consumer: SubscribeConsumerSettings;
  clock?: Clock;
}

/**
 * Records per message: about this many key+value bytes. Small enough that
 * the subscriber works on the first message while the next ones are on the
 * way, and acks flow back while the window still has records out (one 1 MiB
 * message per poll made the stream move in lockstep: deliver the whole
 * window, wait for its acks); large enough that per-message costs vanish.
 */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** How long removing a broken stream's member may hold up the new stream's join: long enough for the group coordinator to move when it was on the dead node (the join needs it too); the session timeout is the fallback. */
const REMOVE_MEMBER_TIMEOUT_MS = 10_000;

/** Bytes a record counts for in max_outstanding_bytes: key + value + headers. */
export function recordBytes(r: ConsumerRecord): number {
  let n = (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += h.key.length + (h.value?.length ?? 0);
  return n;
}

/**
 * One Subscribe stream: an SDK group Consumer run on the subscriber's
 * behalf (group protocol, cooperative-sticky assignment, fetching and
 * commits are the SDK's) plus the OutstandingWindow that turns acks into
 * commits. The consumer never auto-commits: the stream commits each
 * partition's acked prefix after acks, before a partition is revoked, and
 * before the stream leaves the group.
 *
 * Redelivery is a seek: an expired ack deadline, or a record that does not
 * fit the flow-control bound, sends the consumer back to the first record
 * not covered by the acked prefix, and the partition is read again from
 * there (per-partition order holds). At the bound the loop takes no
 * records but still polls (for nothing) every tick, so that the group's
 * rebalance callbacks run, and the consumer's prefetch keeps filling: when
 * acks make room (they wake the loop) the next records are already in the
 * node. (Pausing the partitions instead stopped the prefetch and made every
 * window refill wait a fetch round trip.) Memory per stream: the window's
 * bound plus the consumer's prefetch (maxPartitionBytes per owned partition).
 */
export class SubscribeSession {
  private readonly window: OutstandingWindow;
  private readonly clock: Clock;
  private consumer: Consumer | undefined;
  private ending = false;
  private endError: unknown;
  private committing: Promise<void> | undefined;
  private commitAgain = false;
  private lastAssignment: string | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  /**
   * A record was sent back because it did not fit the byte bound: delivery
   * waits until the window shrinks (else the loop would fetch the same
   * record again and again while below the record bound).
   */
  private full = false;
  /** Set while the loop waits for room in the window (at the bound): wakes it. */
  private wakeLoop: (() => void) | undefined;
  private done: Promise<void> | undefined;

  constructor(
    private readonly call: SubscribeCall,
    private readonly settings: SubscribeSettings,
    private readonly deps: SubscribeSessionDeps,
  ) {
    this.window = new OutstandingWindow({ maxRecords: settings.maxOutstandingRecords, maxBytes: settings.maxOutstandingBytes });
    this.clock = deps.clock ?? systemClock;
  }

  /** Serves the stream until it ends; never rejects (failures end the call with their status). */
  run(): Promise<void> {
    this.done ??= this.serve();
    return this.done;
  }

  /** Ends the stream from the node's side (shutdown): commits what was acked, leaves the group, ends with `err`'s status. */
  stop(err: unknown): Promise<void> {
    this.requestEnd(err);
    return this.run();
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  private async serve(): Promise<void> {
    const { topics } = this.settings;
    this.call.on('data', (msg: SubscribeRequestIn) => this.handleMessage(msg));
    this.call.on('end', () => this.requestEnd(undefined));
    this.call.on('cancelled', () => this.requestEnd(undefined));
    this.call.on('error', () => this.requestEnd(undefined));
    try {
      // Unknown topics: NOT_FOUND at once, not a member that waits for them to appear.
      await this.deps.client.admin().describeTopics(topics);
      if (!this.ending) await this.removeReplacedMember();
      if (!this.ending) await this.consume();
    } catch (err) {
      this.requestEnd(err);
    }
    await this.finish();
  }

  /**
   * The subscriber reopens after its stream broke and names that stream's
   * member: remove it from the group now (LeaveGroup on its behalf), so that
   * its partitions move with this stream's join. Left alone, a member whose
   * node died keeps them until its session times out (sessionTimeoutMs), and
   * no live node can tell a dead node's member from a slow one — the
   * subscriber can. Best effort: on failure the session timeout still
   * applies. A member that is still alive (its node has not noticed the
   * broken stream yet) is fenced: its later commits fail, so records it had
   * acked but not committed come again — at-least-once holds.
   */
  private async removeReplacedMember(): Promise<void> {
    const { group, replacesMemberId } = this.settings;
    if (replacesMemberId === '') return;
    try {
      const results = await this.deps.client.admin().removeGroupMembers(group, [replacesMemberId], 'replaced by a reopened Subscribe stream', { timeoutMs: REMOVE_MEMBER_TIMEOUT_MS });
      const err = results.get(replacesMemberId);
      if (err === undefined) this.log.info('removed the member of the subscriber’s broken stream from the group', { group, memberId: replacesMemberId });
      else this.log.debug('the broken stream’s member was not in the group any more', { group, memberId: replacesMemberId, error: err.errorName });
    } catch (err) {
      this.log.warn('could not remove the broken stream’s member: its partitions move when its session times out', { group, memberId: replacesMemberId, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Joins the group and pushes records until the stream ends. */
  private async consume(): Promise<void> {
    const { group, topics } = this.settings;
    const consumer = this.deps.client.consumer({
      groupId: group,
      autoOffsetReset: this.settings.start === 'earliest' ? 'earliest' : 'latest',
      enableAutoCommit: false,
      sessionTimeoutMs: this.deps.consumer.sessionTimeoutMs,
      heartbeatIntervalMs: this.deps.consumer.heartbeatIntervalMs,
      maxPartitionBytes: this.deps.consumer.maxPartitionBytes,
      isolationLevel: this.settings.isolationLevel,
      // The subscriber's name in the group's member list (DescribeGroups), else the node's in-process client's.
      ...(this.settings.clientId !== '' ? { memberClientId: this.settings.clientId } : {}),
    });
    this.consumer = consumer;
    consumer.subscribe(topics, {
      onPartitionsAssigned: (tps) => this.partitionsAssigned(tps),
      onPartitionsRevoked: (tps) => this.partitionsRevoked(tps),
      onPartitionsLost: (tps) => this.partitionsLost(tps),
    });
    this.log.info('subscribe stream opened', { group, topics, maxOutstandingRecords: this.settings.maxOutstandingRecords, ackDeadlineMs: this.settings.ackDeadlineMs });
    while (!this.ending) {
      this.redeliverExpired();
      const room = this.full ? 0 : this.window.roomRecords();
      if (room > 0) {
        const records = await consumer.poll({ maxRecords: room, timeoutMs: this.deps.consumer.tickMs });
        if (!this.ending) this.deliver(records);
        continue;
      }
      // At the bound: take nothing, but let the consumer run its group work (rebalance callbacks run inside
      // poll) while its bounded prefetch keeps filling, so that the records are there the moment acks make room.
      await consumer.poll({ maxRecords: 0, timeoutMs: 0 });
      await this.roomOrTick();
    }
  }

  /** Waits until acks make room in the window, the stream ends, or tickMs passes (ack deadlines are looked at per tick). */
  private roomOrTick(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeLoop = undefined;
        resolve();
      }, this.deps.consumer.tickMs);
      this.wakeLoop = () => {
        clearTimeout(timer);
        this.wakeLoop = undefined;
        resolve();
      };
    });
  }

  private requestEnd(err: unknown): void {
    if (this.ending) return;
    this.ending = true;
    this.endError = err;
    // Wake a poll waiting for records (resume notifies the consumer's waiters), or a loop waiting for room.
    const c = this.consumer;
    if (c !== undefined) c.resume(c.paused());
    this.wakeLoop?.();
  }

  /** Commits the acked prefixes, leaves the group (outstanding records go to the next owner), ends the call. */
  private async finish(): Promise<void> {
    const consumer = this.consumer;
    if (this.commitTimer !== undefined) clearTimeout(this.commitTimer);
    if (consumer !== undefined) {
      await this.commitAcked();
      for (const tp of this.window.partitionsOwned()) this.window.removePartition(tp);
      await consumer.close().catch((err: unknown) => this.log.warn('closing a subscribe stream’s consumer failed', { group: this.settings.group, error: String(err) }));
    }
    const err = this.endError;
    this.log.info('subscribe stream ended', { group: this.settings.group, error: err === undefined ? undefined : String(err) });
    if (this.call.cancelled || this.call.destroyed) return;
    if (err === undefined) this.call.end();
    else this.call.emit('error', toServiceError(err));
  }

  // ---- from the subscriber -------------------------------------------------

  private handleMessage(msg: SubscribeRequestIn): void {
    if (this.ending) return;
    if (msg.kind !== 'ack') {
      this.requestEnd(new GregorError('INVALID_REQUEST', 'bad Subscribe request: `open` may only be the first message of a stream; later ones carry acks'));
      return;
    }
    if (this.handleAcks(msg.acks)) {
      this.full = false;
      this.commitSoon();
      if (!this.window.atLimit()) this.wakeLoop?.();
    }
  }

  /** Returns whether any partition's acked prefix moved. */
  private handleAcks(acks: readonly RecordsWireAckRange[]): boolean {
    let moved = false;
    for (const a of acks) if (this.window.ackRange(a, a.firstOffset, a.lastOffset)) moved = true;
    return moved;
  }

  // ---- to the subscriber ---------------------------------------------------

  private deliver(records: readonly ConsumerRecord[]): void {
    const consumer = this.consumer!;
    const now = this.clock.monotonicMs();
    const sentBack = new Set<string>();
    let batch: ConsumerRecord[] = [];
    let attempts: number[] = [];
    let batchBytes = 0;
    for (const r of records) {
      if ((sentBack.size > 0 && sentBack.has(tpKey(r.topic, r.partition))) || !this.window.owns(r)) continue;
      const bytes = recordBytes(r);
      if (!this.window.fits(bytes)) {
        // Over the bound: read this partition again from here once acks make room.
        consumer.seek(r, r.offset);
        sentBack.add(tpKey(r.topic, r.partition));
        this.full = true;
        continue;
      }
      attempts.push(this.window.deliver(r, r.offset, bytes, now));
      batch.push(r);
      batchBytes += bytes;
      if (batchBytes >= MAX_MESSAGE_BYTES) {
        this.call.write(encodeSubscribeRecords(batch, attempts));
        batch = [];
        attempts = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0) this.call.write(encodeSubscribeRecords(batch, attempts));
  }

  /** Partitions whose oldest unacked record is past the ack deadline are read again from it. */
  private redeliverExpired(): void {
    const expired = this.window.expired(this.clock.monotonicMs(), this.settings.ackDeadlineMs);
    for (const e of expired) {
      const from = this.window.rewind(e);
      if (from === undefined) continue;
      this.full = false;
      this.log.debug('ack deadline passed: redelivering', { group: this.settings.group, topic: e.topic, partition: e.partition, from: from.toString() });
      this.consumer!.seek(e, from);
    }
  }

  /** A commit of what was acked, within commitIntervalMs (one timer per stream). */
  private commitSoon(): void {
    if (this.commitTimer !== undefined) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      if (!this.ending) void this.commitAcked();
    }, this.deps.consumer.commitIntervalMs);
  }

  /** Commits every acked prefix that moved; one commit in flight at a time, later acks go in the next. */
  private commitAcked(): Promise<void> {
    if (this.committing !== undefined) {
      this.commitAgain = true;
      return this.committing;
    }
    const consumer = this.consumer;
    if (consumer === undefined) return Promise.resolve();
    this.committing = (async () => {
      do {
        this.commitAgain = false;
        const offsets = this.window.takeCommits();
        if (offsets.length === 0) break;
        if (!(await this.commit(consumer, offsets))) break;
      } while (this.commitAgain);
    })().finally(() => {
      this.committing = undefined;
    });
    return this.committing;
  }

  private async commit(consumer: Consumer, offsets: CommitOffset[]): Promise<boolean> {
    try {
      await consumer.commit(offsets);
      return true;
    } catch (err) {
      // Tried again after commitIntervalMs; a rebalance (the usual cause) commits before revoking anyway.
      for (const o of offsets) this.window.commitFailed(o);
      if (!this.ending) this.commitSoon();
      this.log.debug('subscribe commit failed, will retry', { group: this.settings.group, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  // ---- rebalances (inside the consumer's poll) -----------------------------

  private async partitionsAssigned(added: TopicPartition[]): Promise<void> {
    for (const tp of added) this.window.addPartition(tp);
    const start = this.settings.start;
    if (typeof start === 'object' && added.length > 0) {
      // A committed offset wins; only partitions without one start at the timestamp.
      const committed = await this.consumer!.committed(added);
      for (const tp of added) if ((committed.get(tpKey(tp.topic, tp.partition)) ?? -1n) < 0n) this.consumer!.seek(tp, start);
    }
    this.sendAssignment();
  }

  private async partitionsRevoked(revoked: TopicPartition[]): Promise<void> {
    // Wait for a commit in flight so that it cannot land after (and below) this one.
    await this.committing;
    if (!this.ending && this.consumer !== undefined) {
      const offsets = this.window.prefixes(revoked);
      if (offsets.length > 0) await this.commit(this.consumer, offsets);
    }
    for (const tp of revoked) this.window.removePartition(tp);
    this.full = false;
    this.sendAssignment();
  }

  private partitionsLost(lost: TopicPartition[]): void {
    for (const tp of lost) this.window.removePartition(tp);
    this.full = false;
    this.log.warn('subscribe stream lost its partitions (group session expired): unacked records go to their next owner', { group: this.settings.group, partitions: lost.length });
    this.sendAssignment();
  }

  /** Tells the subscriber what it owns now (from the window, which the callbacks keep exact), when that changed. */
  private sendAssignment(): void {
    const consumer = this.consumer;
    if (consumer === undefined || this.ending) return;
    const byTopic = new Map<string, number[]>();
    for (const tp of this.window.partitionsOwned()) {
      const list = byTopic.get(tp.topic) ?? [];
      list.push(tp.partition);
      byTopic.set(tp.topic, list);
    }
    const partitions = [...byTopic.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([topic, ps]) => ({ topic, partitions: ps.sort((a, b) => a - b) }));
    const fingerprint = JSON.stringify(partitions);
    if (fingerprint === this.lastAssignment) return;
    this.lastAssignment = fingerprint;
    const meta = consumer.groupMetadata();
    this.call.write({ assignment: { partitions, generationId: meta?.generationId ?? -1, memberId: meta?.memberId ?? '' } });
  }
}
