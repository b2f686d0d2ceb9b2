import { GregorError, isGregorError, type ErrorName, type Logger } from '@gregor/common';

/**
 * An internal-topic partition (__consumer_offsets, __transaction_state) as
 * a coordinator needs it, as its leader in one epoch.
 */
export interface CoordinatorLogPort {
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

/** What every shard's effects carry: answers to deliver now and records to write. */
export interface ShardEffects<A, R extends { requestId: number }> {
  replies: R[];
  appends: A[];
}

/** The driver-facing side of a pure coordinator shard. */
export interface HostedShard<A, Fx> {
  tick(nowMs: number): Fx;
  nextDeadlineMs(): number;
  appendCompleted(append: A, error: ErrorName | undefined, nowMs: number): Fx;
}

/** Rebuilds a shard from its partition, fed whole-batch chunks in offset order. */
export interface ShardLoader<S, Fx> {
  /** Replays the records at or after `fromOffset`; returns where the next read starts. */
  replay(bytes: Buffer, fromOffset: bigint): bigint;
  build(nowMs: number): { shard: S; effects: Fx };
  /** Fields for the "loaded" log line (record counts, …). */
  summary(shard: S): Record<string, unknown>;
}

/** What differs between coordinators: their shard, records and side effects. */
export interface ShardKind<S extends HostedShard<A, Fx>, A, R extends { requestId: number }, Fx extends ShardEffects<A, R>> {
  /** For log lines: "consumer groups", "transactions". */
  readonly what: string;
  /** The time the shard's deadlines are in. */
  nowMs(): number;
  newLoader(partition: number, leaderEpoch: number): ShardLoader<S, Fx>;
  /** The appends as one record batch. */
  encode(appends: readonly A[]): Buffer;
  recordCount(append: A): number;
  /** Effects beyond replies and appends (log lines, transaction markers). */
  onEffects(effects: Fx, partition: number): void;
  /** Leadership lost: effects that answer the shard's own waiters (if it keeps any). */
  unload?(shard: S, nowMs: number): Fx;
  /** An append that must be a write of its own (never merged with others). */
  writeAlone?(append: A): boolean;
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
type Resolver<R> = (reply: R | undefined) => void;

/**
 * Drives one coordinator shard with real time and a real log: loads it
 * from the partition, delivers its replies to waiting callers, writes its
 * appends one write at a time (merging whatever queued up meanwhile, so
 * many requests share one acks=all round trip), and keeps one timer at the
 * shard's next deadline. One host per (partition, leader epoch).
 */
export class ShardHost<S extends HostedShard<A, Fx>, A, R extends { requestId: number }, Fx extends ShardEffects<A, R>> {
  state: 'loading' | 'active' | 'unloaded' = 'loading';
  private shard: S | undefined;
  private readonly waiting = new Map<number, Resolver<R>>();
  private readonly queue: A[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private idle: Promise<void> = Promise.resolve();
  private idleResolve: (() => void) | undefined;
  readonly loaded: Promise<void>;

  constructor(
    readonly partition: number,
    readonly leaderEpoch: number,
    private readonly kind: ShardKind<S, A, R, Fx>,
    private readonly log: CoordinatorLogPort,
    private readonly logger: Logger,
    private readonly limits: ShardHostLimits,
  ) {
    this.loaded = this.load();
  }

  get waitingRequests(): number {
    return this.waiting.size;
  }

  /** Runs a request against the shard; resolves with its reply, now or later (undefined if unloaded first). */
  call(requestId: number, run: (shard: S, nowMs: number) => Fx): Promise<R | undefined> {
    return new Promise<R | undefined>((resolve) => {
      this.waiting.set(requestId, resolve);
      this.apply(run(this.shard!, this.now()));
    });
  }

  /** A change no caller waits for (topic deletion, markers written). */
  mutate(fn: (shard: S, nowMs: number) => Fx): void {
    if (this.state !== 'active') return;
    this.apply(fn(this.shard!, this.now()));
  }

  /** A read-only question answered from the current state. */
  read<T>(fn: (shard: S) => T): T {
    return fn(this.shard!);
  }

  /** Leadership is gone: waiters get undefined (NOT_COORDINATOR); writes in flight finish (and fail). */
  async unload(): Promise<void> {
    if (this.state === 'unloaded') return;
    const wasActive = this.state === 'active';
    this.state = 'unloaded';
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (wasActive && this.shard !== undefined && this.kind.unload !== undefined) this.apply(this.kind.unload(this.shard, this.now()));
    await this.loaded.catch(() => undefined);
    await this.idle;
    // Appends still queued are never written.
    if (this.shard !== undefined) for (const a of this.queue.splice(0)) this.apply(this.shard.appendCompleted(a, 'NOT_LEADER_OR_FOLLOWER', this.now()));
    // Anything still waiting learns that this broker no longer coordinates.
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }

  private now(): number {
    return this.kind.nowMs();
  }

  private async load(): Promise<void> {
    const started = this.now();
    const loader = this.kind.newLoader(this.partition, this.leaderEpoch);
    const { logStartOffset, logEndOffset } = await this.boundsWhenLeading();
    // Everything up to the log end as of now: from here on only this host appends.
    let offset = logStartOffset;
    while (offset < logEndOffset) {
      if (this.state === 'unloaded') return;
      const chunk = await this.log.read(this.partition, this.leaderEpoch, offset, this.limits.loadReadMaxBytes);
      if (chunk.records.length === 0) break;
      const next = loader.replay(chunk.records, offset);
      if (next <= offset) throw new GregorError('CORRUPT_MESSAGE', `loading partition ${this.partition} made no progress at offset ${offset}`);
      offset = next;
    }
    if (this.state === 'unloaded') return;
    const { shard, effects } = loader.build(this.now());
    this.shard = shard;
    this.state = 'active';
    this.apply(effects);
    this.logger.info(`loaded ${this.kind.what}`, {
      partition: this.partition,
      leaderEpoch: this.leaderEpoch,
      ...loader.summary(shard),
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

  private apply(effects: Fx): void {
    this.kind.onEffects(effects, this.partition);
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
    const batch: A[] = [];
    let records = 0;
    const alone = (a: A): boolean => this.kind.writeAlone?.(a) === true;
    while (this.queue.length > 0 && (batch.length === 0 || (records + this.kind.recordCount(this.queue[0]!) <= this.limits.maxRecordsPerWrite && !alone(this.queue[0]!)))) {
      const a = this.queue.shift()!;
      batch.push(a);
      records += this.kind.recordCount(a);
      if (alone(a)) break;
    }
    this.writing = true;
    this.idle = new Promise((resolve) => (this.idleResolve = resolve));
    this.log.append(this.partition, this.leaderEpoch, this.kind.encode(batch)).then(
      () => this.written(batch, undefined),
      (err: unknown) => {
        const name: ErrorName = isGregorError(err) ? err.errorName : 'UNKNOWN_SERVER_ERROR';
        this.logger.warn('coordinator write failed', { what: this.kind.what, partition: this.partition, leaderEpoch: this.leaderEpoch, records, error: name, message: err instanceof Error ? err.message : String(err) });
        this.written(batch, name);
      },
    );
  }

  private written(batch: A[], error: ErrorName | undefined): void {
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
