import { assert, GregorError, toGregorError } from '@gregor/common';
import type { MetadataImage } from './image';
import type { MetadataRecord } from './records';

/**
 * The active controller's write pipeline: one write at a time, each planned
 * against the image that already holds every earlier write. That is what
 * makes the plans sound (no two writes decide on the same stale view), at
 * the cost of one commit round trip per write — fine for the control plane.
 *
 * Bounds: at most `maxQueued` writes wait; beyond that, submit fails with
 * THROTTLING_QUOTA_EXCEEDED (retriable). A write that is not committed by its
 * deadline fails with REQUEST_TIMED_OUT, but the queue still waits for its
 * entry's fate (commit, or loss of leadership, which CheckQuorum bounds to an
 * election timeout) before planning the next one: planning on an image that
 * might still change under the next write would break the rule above.
 */

export interface WritePlan<R> {
  records: MetadataRecord[];
  /** Builds the answer once the records are applied (or at once when there are none). */
  result(image: MetadataImage, offset: number): R;
}

export interface Proposer {
  /** Proposes one batch; returns its position or throws (not leader, throttled). */
  propose(records: readonly MetadataRecord[]): { index: number; term: number };
}

interface Pending {
  plan(image: MetadataImage): WritePlan<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  what: string;
}

export class WriteQueue {
  private readonly waiting: Pending[] = [];
  private inFlight: { op: Pending; index: number; term: number; plan: WritePlan<unknown> } | undefined;
  private active = false;

  constructor(
    private readonly opts: {
      maxQueued: number;
      proposer: Proposer;
      image: () => MetadataImage;
    },
  ) {}

  get queued(): number {
    return this.waiting.length + (this.inFlight === undefined ? 0 : 1);
  }

  /** Starts serving writes (this node is now the active controller). */
  activate(): void {
    this.active = true;
    this.pump();
  }

  /** Stops serving and fails everything waiting or in flight with `err`. */
  deactivate(err: GregorError): void {
    this.active = false;
    const all = [...this.waiting.splice(0), ...(this.inFlight === undefined ? [] : [this.inFlight.op])];
    this.inFlight = undefined;
    for (const op of all) settle(op, err);
  }

  /**
   * Queues a write; resolves with the plan's result after the records are
   * committed and applied locally. The caller checks activity first, so a
   * write is only refused here when the queue is full.
   */
  submit<R>(what: string, plan: (image: MetadataImage) => WritePlan<R>, timeoutMs: number): Promise<R> {
    if (this.waiting.length >= this.opts.maxQueued) {
      return Promise.reject(new GregorError('THROTTLING_QUOTA_EXCEEDED', `${this.opts.maxQueued} metadata writes are already queued`));
    }
    return new Promise<R>((resolve, reject) => {
      const op: Pending = {
        plan,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: undefined,
        settled: false,
        what,
      };
      op.timer = setTimeout(() => {
        settle(op, new GregorError('REQUEST_TIMED_OUT', `${what} was not committed within ${timeoutMs} ms`));
        // Drop it from the queue if it never started; in flight, wait for its fate.
        const i = this.waiting.indexOf(op);
        if (i >= 0) this.waiting.splice(i, 1);
      }, timeoutMs);
      this.waiting.push(op);
      this.pump();
    });
  }

  /** Called after each applied entry (index, term), with the image already updated. */
  onApplied(index: number, term: number): void {
    const f = this.inFlight;
    if (f === undefined || index < f.index) return;
    this.inFlight = undefined;
    if (index === f.index && term === f.term) {
      try {
        settle(f.op, undefined, f.plan.result(this.opts.image(), index));
      } catch (err) {
        settle(f.op, toGregorError(err));
      }
    } else {
      // Another leader's entry took the slot: ours is gone for good.
      settle(f.op, new GregorError('NOT_CONTROLLER', `${f.op.what} was overwritten by a newer leader`));
    }
    this.pump();
  }

  private pump(): void {
    while (this.active && this.inFlight === undefined && this.waiting.length > 0) {
      const op = this.waiting.shift()!;
      if (op.settled) continue;
      let plan: WritePlan<unknown>;
      try {
        plan = op.plan(this.opts.image());
      } catch (err) {
        settle(op, toGregorError(err));
        continue;
      }
      const image = this.opts.image();
      if (plan.records.length === 0) {
        settle(op, undefined, plan.result(image, image.offset));
        continue;
      }
      try {
        const pos = this.opts.proposer.propose(plan.records);
        assert(pos.index > image.offset, `proposal at ${pos.index} is not after the applied offset ${image.offset}`);
        this.inFlight = { op, index: pos.index, term: pos.term, plan };
      } catch (err) {
        settle(op, toGregorError(err));
      }
    }
  }
}

function settle(op: Pending, err: GregorError | undefined, value?: unknown): void {
  if (op.settled) return;
  op.settled = true;
  if (op.timer !== undefined) clearTimeout(op.timer);
  if (err !== undefined) op.reject(err);
  else op.resolve(value);
}
