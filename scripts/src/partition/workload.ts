/**
 * The partition test's workload, through the public SDK: per partition, an
 * acks=all idempotent producer keeps a few numbered records ("<p>:<seq>") in
 * flight, and one consumer reads every partition from the start, all the
 * time. It remembers what was acknowledged (seq → offset, and when), what
 * failed, and what was consumed, and checks the consumer's view as it goes.
 * That memory grows with the run (a few tens of thousands of records for
 * the partition test's rounds): a run is finite, and the checks need it all.
 */
import type { Gregor, Consumer, Producer } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import { seqOf, type LogRecord } from './safety';

export interface WorkloadOptions {
  topic: string;
  partitions: number;
  /** Sends outstanding per partition (bounded; the SDK pipelines up to 5 per partition). */
  inFlightPerPartition: number;
  /** How long the SDK retries one send before failing it. */
  deliveryTimeoutMs: number;
}

/** Per partition. */
interface PartitionState {
  nextSeq: number;
  inFlight: number;
  acked: Map<number, bigint>;
  /** When each acknowledgement arrived (performance.now() ms), ascending. */
  ackTimesMs: number[];
  /** The latest send time of an acknowledged record. */
  lastAckedSentAtMs: number;
  failed: number;
  lastError: string | undefined;
  consumed: LogRecord[];
}

/** Consumer errors and violations kept; beyond it they are dropped (the first ones tell the story). */
const MAX_NOTES = 50;

function note(list: string[], message: string): void {
  if (list.length < MAX_NOTES) list.push(message);
}

export class Workload {
  private readonly state: PartitionState[];
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private sending = false;
  private consuming = true;
  private consumerLoop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Violations the consumer saw as it read (order, duplicates, values never sent). */
  readonly consumerViolations: string[] = [];
  /** Errors poll() surfaced since the caller last emptied this list. */
  readonly consumerErrors: string[] = [];

  constructor(
    client: Gregor,
    private readonly opts: WorkloadOptions,
  ) {
    this.state = Array.from({ length: opts.partitions }, () => ({
      nextSeq: 0,
      inFlight: 0,
      acked: new Map(),
      ackTimesMs: [],
      lastAckedSentAtMs: -Infinity,
      failed: 0,
      lastError: undefined,
      consumed: [],
    }));
    this.producer = client.producer({ acks: 'all', lingerMs: 1, deliveryTimeoutMs: opts.deliveryTimeoutMs });
    this.consumer = client.consumer({ autoOffsetReset: 'none', maxWaitMs: 200 });
    const tps = Array.from({ length: opts.partitions }, (_, partition) => ({ topic: opts.topic, partition }));
    this.consumer.assign(tps);
    for (const tp of tps) this.consumer.seek(tp, 0n);
  }

  get partitions(): number {
    return this.opts.partitions;
  }

  partition(p: number): Readonly<PartitionState> {
    return this.state[p]!;
  }

  /** Starts (or resumes) sending and, the first time, consuming. */
  resume(): void {
    this.sending = true;
    for (let p = 0; p < this.opts.partitions; p++) this.fill(p);
    this.consumerLoop ??= this.consume();
  }

  /** Stops sending new records and waits until every send in flight was acknowledged or failed. */
  async pause(timeoutMs: number): Promise<void> {
    this.sending = false;
    await pollUntil(() => this.state.every((s) => s.inFlight === 0), {
      timeoutMs,
      what: `the sends in flight to settle (${this.state.map((s) => s.inFlight).join('/')} per partition)`,
    });
  }

  /** Waits until the consumer has read every partition up to `ends[p]` (exclusive). */
  async waitConsumed(ends: readonly bigint[], timeoutMs: number): Promise<void> {
    await pollUntil(
      () =>
        this.state.every((s, p) => {
          const last = s.consumed[s.consumed.length - 1];
          return ends[p]! === 0n || (last !== undefined && last.offset + 1n >= ends[p]!);
        }),
      { timeoutMs, what: `the consumer to read up to ${ends.join('/')} (at ${this.state.map((s) => s.consumed.at(-1)?.offset ?? -1n).join('/')})` },
    );
  }

  async close(): Promise<void> {
    this.sending = false;
    this.consuming = false;
    this.wake?.();
    await this.consumer.close().catch(() => undefined);
    await this.consumerLoop;
    await this.producer.close().catch(() => undefined);
  }

  private fill(p: number): void {
    const s = this.state[p]!;
    while (this.sending && s.inFlight < this.opts.inFlightPerPartition) {
      const seq = s.nextSeq++;
      s.inFlight++;
      const sentAtMs = performance.now();
      this.producer.send({ topic: this.opts.topic, partition: p, value: `${p}:${seq}` }).then(
        (md) => {
          s.acked.set(seq, md.offset);
          s.ackTimesMs.push(performance.now());
          s.lastAckedSentAtMs = Math.max(s.lastAckedSentAtMs, sentAtMs);
        },
        (err: unknown) => {
          s.failed++;
          s.lastError = err instanceof Error ? err.message : String(err);
        },
      ).finally(() => {
        s.inFlight--;
        this.fill(p);
      });
    }
  }

  private async consume(): Promise<void> {
    while (this.consuming) {
      let records;
      try {
        records = await this.consumer.poll({ timeoutMs: 500 });
      } catch (err) {
        // Surfaced fetch errors (OFFSET_OUT_OF_RANGE with reset 'none' among them): noted, and the loop goes on.
        note(this.consumerErrors, err instanceof Error ? err.message : String(err));
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 200);
        });
        continue;
      }
      for (const r of records) this.noteConsumed(r.partition, r.offset, r.value?.toString() ?? '');
    }
  }

  private noteConsumed(p: number, offset: bigint, value: string): void {
    const s = this.state[p];
    if (s === undefined) {
      note(this.consumerViolations, `consumed "${value}" from partition ${p}, which the topic does not have`);
      return;
    }
    const last = s.consumed[s.consumed.length - 1];
    const seq = seqOf(value, p);
    const lastSeq = last === undefined ? -1 : (seqOf(last.value, p) ?? -1);
    if (last !== undefined && offset <= last.offset) note(this.consumerViolations, `partition ${p}: consumed offset ${offset} after ${last.offset}`);
    if (seq === undefined || seq >= s.nextSeq) note(this.consumerViolations, `partition ${p}: consumed "${value}" at ${offset}, never sent`);
    else if (seq <= lastSeq) note(this.consumerViolations, `partition ${p}: consumed seq ${seq} at ${offset} after seq ${lastSeq} (duplicate or out of order)`);
    s.consumed.push({ offset, value });
  }
}
