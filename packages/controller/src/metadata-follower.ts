import type { Clock, Logger } from '@gregor/common';
import { FAILURE_DETECTION_DEFAULTS, GregorError, silentLogger, sleep, systemClock } from '@gregor/common';
import type { ControllerClient } from './controller-client';
import type { FetchedMetadata } from './fetched-metadata';
import { applyFetchedMetadata } from './fetched-metadata';
import { MetadataImage } from './image';
import type { MetadataImageSource } from './metadata-view';
import type { AppliedEvent, VoterAddress } from './quorum-controller';

/**
 * Keeps a MetadataImage on a broker-only node (no local controller) by
 * pulling committed entries from the voters with FetchMetadata: a snapshot
 * first when the log it needs is compacted, then entries in order. Committed
 * entries are the same on every voter, so any voter will do; on an error it
 * moves to the next. Polls every `pollIntervalMs` when caught up.
 */
export class MetadataFollower implements MetadataImageSource {
  private current = new MetadataImage();
  private readonly listeners = new Set<(e: AppliedEvent) => void>();
  private stopped = true;
  private loopDone: Promise<void> = Promise.resolve();
  private voterIndex = 0;
  private readonly clock: Clock;
  /** Monotonic ms of the last answered fetch (or of construction). */
  private lastAnswerMs: number;

  constructor(
    private readonly opts: {
      client: ControllerClient;
      voters: readonly VoterAddress[];
      pollIntervalMs?: number;
      maxBytes?: number;
      /**
       * broker.session.timeout.ms: with no fetch answered for this long the
       * node is cut off from every voter, and knows no active controller
       * (leaderId -1), as a co-located Raft voter without a leader does.
       * Default FAILURE_DETECTION_DEFAULTS (750).
       */
      sessionTimeoutMs?: number;
      clock?: Clock;
      logger?: Logger;
    },
  ) {
    this.clock = opts.clock ?? systemClock;
    this.lastAnswerMs = this.clock.monotonicMs();
  }

  get image(): MetadataImage {
    return this.current;
  }

  leaderId(): number {
    if (this.clock.monotonicMs() - this.lastAnswerMs >= (this.opts.sessionTimeoutMs ?? FAILURE_DETECTION_DEFAULTS.brokerSessionTimeoutMs)) return -1;
    // The last leader-change record it applied (snapshots carry it too).
    return this.opts.client.activeControllerGuess ?? this.current.lastLeaderChange?.leaderId ?? -1;
  }

  subscribe(listener: (e: AppliedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loopDone;
  }

  private emit(e: AppliedEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // Listeners must not throw; one that does must not stop the others.
      }
    }
  }

  /** One fetch; returns how many entries were applied and the voter's commit index. */
  async pollOnce(): Promise<{ applied: number; commitIndex: number }> {
    const voter = this.opts.voters[this.voterIndex % this.opts.voters.length]!;
    let res: FetchedMetadata;
    try {
      res = await this.opts.client.fetchMetadata(voter.id, this.current.offset + 1, this.opts.maxBytes ?? 4 * 1024 * 1024, 2000);
    } catch (err) {
      this.voterIndex++;
      throw err;
    }
    this.lastAnswerMs = this.clock.monotonicMs();
    return { applied: await this.applyFetched(res), commitIndex: res.commitIndex };
  }

  /** Applies committed metadata fetched from any voter (the broker's own catch-up too); returns how many steps were new. */
  applyFetched(fetched: FetchedMetadata): Promise<number> {
    return applyFetchedMetadata(
      () => this.current,
      (next) => (this.current = next),
      fetched,
      (e) => this.emit(e),
    );
  }

  /**
   * Fetches until the image holds everything a voter reported as committed
   * (before a broker serves, so it does not act on a stale view). Throws
   * after `timeoutMs` with the last error.
   */
  async catchUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const { commitIndex } = await this.pollOnce();
        if (this.current.offset >= commitIndex && commitIndex > 0) return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) {
        throw new GregorError('REQUEST_TIMED_OUT', `could not catch up with the metadata log in ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
      }
      await sleep(this.opts.pollIntervalMs ?? 100);
    }
  }

  private async loop(): Promise<void> {
    const logger = this.opts.logger ?? silentLogger();
    while (!this.stopped) {
      try {
        const { applied } = await this.pollOnce();
        if (applied === 0) await sleep(this.opts.pollIntervalMs ?? 100);
      } catch (err) {
        logger.debug(`metadata fetch failed: ${(err as Error).message}`);
        await sleep(this.opts.pollIntervalMs ?? 100);
      }
    }
  }
}
