import type * as grpc from '@grpc/grpc-js';
import { GregorError, backoffMs, errorCode, errorNameForCode, type ErrorName, type TopicPartition } from '@gregor/common';
import { encodeSubscribeAcks, type RecordsWireAck, type RecordsWireRecord, type SubscribeRequest, type SubscribeResponseIn } from '@gregor/proto';
import type { Cluster } from '../cluster';
import { errorFromGrpc } from '../errors';
import { Fifo } from '../fifo';
import type { ResolvedClientOptions } from '../options';
import type { ConsumerRecord } from '../types';
import { resolveSubscribeOptions, type ResolvedSubscribeOptions, type SubscribeOptions } from './options';
import { chooseNode, isFatalStatus } from './reconnect';

/** A record from a Subscribe stream: process it, then `ack()` it (any order). */
export interface SubscribedRecord extends ConsumerRecord {
  /** 1 on first delivery, higher when delivered again (best effort, per node). */
  deliveryAttempt: number;
  /** Acknowledges the record: once every earlier record of its partition is acked too, the group's offset moves past it. */
  ack(): void;
}

/** Acks sent at once when this many are pending, without waiting for the event-loop turn to end. */
const ACK_FLUSH_RECORDS = 500;

type Stream = grpc.ClientDuplexStream<Buffer | SubscribeRequest, SubscribeResponseIn>;

/**
 * The SDK's side of gregor.v1.Records Subscribe: one stream at a time to one
 * node, reopened on another node when it breaks (UNAVAILABLE, the
 * connection drops, the node ends it) after a backoff — the retry policy
 * that records.proto documents for generated clients, including naming the
 * broken stream's member in the new open (replaces_member_id) so that its
 * partitions move at once rather than after its session timeout. INVALID_ARGUMENT and
 * NOT_FOUND end the subscription with that error; so does the
 * reconnectAttempts-th consecutive failure to open a stream.
 *
 * Records received but not yet handed to the application when a stream
 * breaks are dropped: the node redelivers them (they were not acked). Acks
 * go out on the stream that is open when `ack()` is called, batched per
 * event-loop turn; an ack lost with a broken stream means a redelivery,
 * never a skip. Memory: the node never has more than
 * maxOutstandingRecords / maxOutstandingBytes unacked records out to this
 * subscriber, so the local queue is bounded by the same numbers.
 */
export class RecordsSubscription implements AsyncIterable<SubscribedRecord> {
  private readonly opts: ResolvedSubscribeOptions;
  private stream: Stream | undefined;
  private streamAddress: string | undefined;
  private queue = new Fifo<SubscribedRecord>();
  private waiters: (() => void)[] = [];
  private pendingAcks: RecordsWireAck[] = [];
  private ackFlushScheduled = false;
  private failure: GregorError | undefined;
  private closed = false;
  private owned: TopicPartition[] = [];
  private failedAttempts = 0;
  private lastFailedAddress: string | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** The group member of the current stream (from its last assignment notice). */
  private memberId: string | undefined;
  /** The member of the last stream that broke, named in the next open so that the node removes it at once. */
  private replacesMemberId: string | undefined;

  /** @internal Use `client.subscribe()`. */
  constructor(
    private readonly cluster: Cluster,
    private readonly client: ResolvedClientOptions,
    opts: SubscribeOptions,
    private readonly onClose: (s: RecordsSubscription) => void = () => undefined,
  ) {
    this.opts = resolveSubscribeOptions(opts);
    this.connect();
  }

  /** The partitions the current stream owns (the node's last assignment notice). */
  assignment(): TopicPartition[] {
    return [...this.owned];
  }

  /** The group member id of the current stream (its last assignment notice), if it has one. */
  get groupMemberId(): string | undefined {
    return this.memberId;
  }

  /** The node serving the current stream, if one is open. */
  get servedBy(): string | undefined {
    return this.streamAddress;
  }

  // ---- streams -------------------------------------------------------------

  private connect(): void {
    if (this.closed) return;
    const address = chooseNode(this.cluster.candidates(), this.lastFailedAddress, this.failedAttempts);
    let stream: Stream;
    try {
      stream = this.cluster.connection(address).openSubscribeStream();
    } catch (err) {
      this.streamFailed(address, errorFromGrpc(err, address));
      return;
    }
    this.stream = stream;
    this.streamAddress = address;
    this.client.logger.debug('subscribe stream opening', { node: address, group: this.opts.group });
    stream.on('data', (msg: SubscribeResponseIn) => {
      if (this.stream !== stream) return;
      if (msg.kind === 'assignment') {
        // A stream that got its assignment is up: the next failure starts the backoff again.
        this.failedAttempts = 0;
        this.memberId = msg.assignment.memberId;
        this.replacesMemberId = undefined;
        this.owned = msg.assignment.partitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
        this.opts.onAssignment?.(this.assignment());
      } else if (msg.kind === 'records') {
        for (const r of msg.records) this.queue.push(this.toRecord(r));
        this.wake();
      }
    });
    // 'status' comes once the call is over, whichever way it ended (after 'error' when it failed).
    stream.on('status', (status: grpc.StatusObject) => {
      if (this.stream !== stream) return;
      this.streamFailed(address, statusError(status, address));
    });
    stream.on('error', () => undefined);
    stream.write({
      open: {
        group: this.opts.group,
        topics: this.opts.topics,
        start: this.opts.start === 'earliest' ? 'SUBSCRIBE_START_EARLIEST' : this.opts.start === 'latest' ? 'SUBSCRIBE_START_LATEST' : 'SUBSCRIBE_START_TIMESTAMP',
        startTimestampMs: typeof this.opts.start === 'object' ? this.opts.start.timestamp.toString() : '0',
        maxOutstandingRecords: this.opts.maxOutstandingRecords,
        maxOutstandingBytes: String(this.opts.maxOutstandingBytes),
        ackDeadlineMs: this.opts.ackDeadlineMs,
        clientId: this.client.clientId,
        isolationLevel: this.opts.isolationLevel === 'read_committed' ? 'ISOLATION_LEVEL_READ_COMMITTED' : 'ISOLATION_LEVEL_READ_UNCOMMITTED',
        replacesMemberId: this.replacesMemberId ?? '',
      },
    });
  }

  /** The stream ended: fail for good (bad request, unknown topic, too many attempts) or reopen after a backoff. */
  private streamFailed(address: string, err: GregorError): void {
    this.stream = undefined;
    this.streamAddress = undefined;
    this.owned = [];
    // A stream that broke before its first assignment leaves the older member to remove.
    this.replacesMemberId = this.memberId ?? this.replacesMemberId;
    this.memberId = undefined;
    // Not acked, so the node redelivers them to whichever stream owns their partition next.
    this.queue = new Fifo();
    this.pendingAcks = [];
    if (this.closed) return;
    if (isFatalStatus(err)) return this.fail(err);
    this.failedAttempts++;
    this.lastFailedAddress = address;
    if (this.failedAttempts > this.opts.reconnectAttempts) {
      return this.fail(new GregorError(err.errorName, `subscribe: gave up after ${this.opts.reconnectAttempts} attempts to reopen the stream; last: ${err.message}`, err.context, err));
    }
    const delay = backoffMs(this.failedAttempts - 1, this.opts.reconnectBackoffMs, this.opts.reconnectMaxBackoffMs, this.client.random);
    this.client.logger.info('subscribe stream broke, reopening on another node', { node: address, group: this.opts.group, attempt: this.failedAttempts, delayMs: delay, error: err.message });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private fail(err: GregorError): void {
    this.failure = err;
    this.wake();
  }

  // ---- records and acks ----------------------------------------------------

  private toRecord(r: RecordsWireRecord & { deliveryAttempt: number }): SubscribedRecord {
    // What to ack is fixed now: the application may change the record it was handed.
    const { topic, partition, offset } = r;
    return Object.assign(r, { ack: (): void => this.ack({ topic, partition, offset }) });
  }

  private ack(r: RecordsWireAck): void {
    if (this.stream === undefined) return; // redelivered anyway
    this.pendingAcks.push(r);
    // Per event-loop turn, or at once when many piled up (a subscriber working through a large backlog).
    if (this.pendingAcks.length >= ACK_FLUSH_RECORDS) return this.flushAcks();
    if (this.ackFlushScheduled) return;
    this.ackFlushScheduled = true;
    setImmediate(() => {
      this.ackFlushScheduled = false;
      this.flushAcks();
    });
  }

  private flushAcks(): void {
    const acks = this.pendingAcks;
    this.pendingAcks = [];
    if (acks.length > 0 && this.stream !== undefined) this.stream.write(encodeSubscribeAcks(acks));
  }

  /**
   * The next record, waiting up to `timeoutMs` (default: as long as it
   * takes); undefined on timeout or after close. Throws the error that ended
   * the subscription.
   */
  async next(timeoutMs = Number.POSITIVE_INFINITY): Promise<SubscribedRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.queue.shift();
      if (r !== undefined) return r;
      if (this.failure !== undefined) throw this.failure;
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.waitForRecords(left);
    }
  }

  /** `for await (const record of subscription)`: ends when the subscription is closed. */
  [Symbol.asyncIterator](): AsyncIterator<SubscribedRecord> {
    return {
      next: async () => {
        const value = await this.next();
        return value === undefined ? { done: true, value: undefined } : { done: false, value };
      },
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /**
   * Ends the stream: acks already given are sent, the node commits the
   * acked prefixes and leaves the group; unacked records go to the group's
   * other streams (or the next subscriber). Waits at most closeTimeoutMs.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    const stream = this.stream;
    this.queue = new Fifo();
    this.wake();
    if (stream === undefined) return;
    this.flushAcks();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stream.cancel();
        resolve();
      }, this.opts.closeTimeoutMs);
      stream.on('status', () => {
        clearTimeout(timer);
        resolve();
      });
      stream.end();
    });
    this.stream = undefined;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitForRecords(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, Math.min(ms, 2 ** 31 - 1));
      this.waiters.push(done);
    });
  }
}

/** A Records call's end as a GregorError: Kafka's name from the trailing metadata (records.proto, "Error model") when the node sent one. */
export function statusError(status: grpc.StatusObject, address: string): GregorError {
  const name = status.metadata?.get('gregor-error-name')[0];
  const code = Number(status.metadata?.get('gregor-error-code')[0]);
  const kafkaName: ErrorName | undefined = typeof name === 'string' && Number.isInteger(code) && errorNameForCode(code) === name ? (name as ErrorName) : undefined;
  if (status.code === 0) return new GregorError('NETWORK_EXCEPTION', `node ${address} ended the subscribe stream`, { broker: address, transport: true });
  const fromGrpc = errorFromGrpc({ code: status.code, details: status.details, message: status.details }, address);
  if (kafkaName === undefined || kafkaName === 'UNKNOWN_SERVER_ERROR' || errorCode(kafkaName) === fromGrpc.code) return fromGrpc;
  return new GregorError(kafkaName, fromGrpc.message, { ...fromGrpc.context }, fromGrpc);
}
