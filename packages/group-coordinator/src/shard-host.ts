import { GregorError, isGregorError, type Clock, type ErrorName, type Logger } from '@gregor/common';
import { decodeCoordinatorBatches, encodeCoordinatorBatch } from './batch-codec';
import type { Effects, PendingAppend, ShardDeps } from './context';
import type { GroupCoordinatorShard } from './coordinator-shard';
import { describeGroupEvent } from './group-events';
import { OffsetsLoader } from './loader';
import { OFFSETS_TOPIC } from './records';
import type { Reply, RequestId } from './types';

/** The __consumer_offsets partition as the coordinator needs it, as its leader in one epoch. */
export interface OffsetsLogPort {
  /**
   * Reads whole batches from `fromOffset` (up to the log end, at least one
   * batch, about `maxBytes`), as the leader of `partition` in
   * `leaderEpoch`. Rejects with NOT_LEADER_OR_FOLLOWER when that
   * leadership is gone.
   */
  read(partition: number, leaderEpoch: number, fromOffset: bigint, maxBytes: number): Promise<{ records: Buffer }>;
  /** Log start and end offsets, as that leader. */
  bounds(partition: number, leaderEpoch: number): Promise<{ logStartOffset: bigint; logEndOffset: bigint }>;
  /** Appends one batch as that leader with acks=all; rejects with the write's GregorError. */
  append(partition: number, leaderEpoch: number, batch: Buffer): Promise<void>;
}

export interface ShardHostLimits {
  /** Bytes per read while loading. */
  loadReadMaxBytes: number;
  /** Records per write: queued appends are merged up to this. */
  maxRecordsPerWrite: number;
}

const LOAD_ATTEMPTS = 30;
const LOAD_RETRY_MS = 100;

/** undefined: the shard was unloaded before answering. */
type Resolver = (reply: Reply | undefined) => void;

/**
 * Drives one GroupCoordinatorShard with real time and a real log: loads it
 * from the partition, delivers its replies to waiting callers, writes its
 * appends one write at a time (merging whatever queued up meanwhile, so
 * many commits share one acks=all round trip), and keeps one timer at the
 * shard's next deadline. One host per (partition, leader epoch).
 */
export class ShardHost {
  state: 'loading' | 'active' | 'unloaded' = 'loading';
  private shard: GroupCoordinatorShard | undefined;
  private readonly waiting = new Map<RequestId, Resolver>();
  private readonly queue: PendingAppend[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private idle: Promise<void> = Promise.resolve();
  private idleResolve: (() => void) | undefined;
  readonly loaded: Promise<void>;

  constructor(
    readonly partition: number,
    readonly leaderEpoch: number,
    private readonly deps: ShardDeps,
    private readonly log: OffsetsLogPort,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly limits: ShardHostLimits,
  ) {
    this.loaded = this.load();
  }

  get waitingRequests(): number {
    return this.waiting.size;
  }

  /** Runs a request against the shard; resolves with its reply, now or later (undefined if unloaded first). */
  call(requestId: RequestId, run: (shard: GroupCoordinatorShard, nowMs: number) => Effects): Promise<Reply | undefined> {
    return new Promise<Reply | undefined>((resolve) => {
      this.waiting.set(requestId, resolve);
      this.apply(run(this.shard!, this.now()));
    });
  }

  /** A change no caller waits for (topic deletion). */
  mutate(fn: (shard: GroupCoordinatorShard, nowMs: number) => Effects): void {
    if (this.state !== 'active') return;
    this.apply(fn(this.shard!, this.now()));
  }

  /** A read-only question answered from the current state. */
  read<T>(fn: (shard: GroupCoordinatorShard) => T): T {
    return fn(this.shard!);
  }

  /** Leadership is gone: waiters get NOT_COORDINATOR; writes in flight finish (and fail). */
  async unload(): Promise<void> {
    if (this.state === 'unloaded') return;
    const wasActive = this.state === 'active';
    this.state = 'unloaded';
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (wasActive && this.shard !== undefined) this.apply(this.shard.unload(this.now()));
    await this.loaded.catch(() => undefined);
    await this.idle;
    // Appends still queued are never written.
    if (this.shard !== undefined) for (const a of this.queue.splice(0)) this.apply(this.shard.appendCompleted(a, 'NOT_LEADER_OR_FOLLOWER', this.now()));
    // Anything still waiting (none should be) learns that this broker no longer coordinates.
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }

  private now(): number {
    return this.clock.monotonicMs();
  }

  private async load(): Promise<void> {
    const started = this.now();
    const loader = new OffsetsLoader();
    let skipped = 0;
    const { logStartOffset, logEndOffset } = await this.boundsWhenLeading();
    // Everything up to the log end as of now: from here on only this host appends.
    let offset = logStartOffset;
    while (offset < logEndOffset) {
      if (this.state === 'unloaded') return;
      const chunk = await this.log.read(this.partition, this.leaderEpoch, offset, this.limits.loadReadMaxBytes);
      if (chunk.records.length === 0) break;
      const decoded = decodeCoordinatorBatches(chunk.records, offset);
      for (const r of decoded.records) loader.replay(r);
      skipped += decoded.skipped;
      if (decoded.nextOffset <= offset) throw new GregorError('CORRUPT_MESSAGE', `loading partition ${this.partition} made no progress at offset ${offset}`);
      offset = decoded.nextOffset;
    }
    if (this.state === 'unloaded') return;
    const { shard, effects } = loader.build(this.deps, this.now());
    this.shard = shard;
    this.state = 'active';
    this.apply(effects);
    this.logger.info('loaded consumer groups', {
      partition: this.partition,
      leaderEpoch: this.leaderEpoch,
      groups: shard.groupIds().length,
      records: loader.recordsReplayed,
      liveKeys: loader.liveKeys,
      skipped,
      fromOffset: logStartOffset.toString(),
      toOffset: offset.toString(),
      ms: Math.round(this.now() - started),
    });
  }

  /**
   * Metadata can name this broker leader a moment before the replica has
   * taken the role: retriable refusals are retried for a few seconds
   * before the load gives up (the next election check starts another).
   */
  private async boundsWhenLeading(): Promise<{ logStartOffset: bigint; logEndOffset: bigint }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.log.bounds(this.partition, this.leaderEpoch);
      } catch (err) {
        if (!isGregorError(err) || !err.retriable || attempt >= LOAD_ATTEMPTS || this.state === 'unloaded') throw err;
        await new Promise((resolve) => setTimeout(resolve, LOAD_RETRY_MS));
      }
    }
  }

  private apply(effects: Effects): void {
    for (const e of effects.events) this.logger.info(describeGroupEvent(e, `${OFFSETS_TOPIC}-${this.partition}`));
    for (const reply of effects.replies) {
      const resolve = this.waiting.get(reply.requestId);
      if (resolve === undefined) continue;
      this.waiting.delete(reply.requestId);
      resolve(reply);
    }
    if (effects.appends.length > 0) {
      this.queue.push(...effects.appends);
      this.maybeWrite();
    }
    this.rearm();
  }

  /** One write in flight; whatever queued behind it goes in the next one. */
  private maybeWrite(): void {
    if (this.writing || this.queue.length === 0) return;
    if (this.state !== 'active') return; // unload fails the queue
    const batch: PendingAppend[] = [];
    let records = 0;
    while (this.queue.length > 0 && (batch.length === 0 || records + this.queue[0]!.records.length <= this.limits.maxRecordsPerWrite)) {
      const a = this.queue.shift()!;
      batch.push(a);
      records += a.records.length;
    }
    this.writing = true;
    this.idle = new Promise((resolve) => (this.idleResolve = resolve));
    const bytes = encodeCoordinatorBatch(
      batch.flatMap((a) => a.records),
      this.deps.wallClockMs(),
    );
    this.log.append(this.partition, this.leaderEpoch, bytes).then(
      () => this.written(batch, undefined),
      (err: unknown) => {
        const name: ErrorName = isGregorError(err) ? err.errorName : 'UNKNOWN_SERVER_ERROR';
        this.logger.warn('coordinator write failed', { partition: this.partition, leaderEpoch: this.leaderEpoch, records, error: name, message: err instanceof Error ? err.message : String(err) });
        this.written(batch, name);
      },
    );
  }

  private written(batch: PendingAppend[], error: ErrorName | undefined): void {
    this.writing = false;
    for (const a of batch) this.apply(this.shard!.appendCompleted(a, error, this.now()));
    this.idleResolve?.();
    this.maybeWrite();
  }

  private rearm(): void {
    if (this.state !== 'active' || this.shard === undefined) return;
    const next = this.shard.nextDeadlineMs();
    if (next === this.timerAtMs && this.timer !== undefined) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAtMs = next;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAtMs = Number.POSITIVE_INFINITY;
      if (this.state === 'active') this.apply(this.shard!.tick(this.now()));
    }, Math.max(0, Math.ceil(next - this.now())));
    this.timer.unref();
  }
}
