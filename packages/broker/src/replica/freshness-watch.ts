import type { Clock, Logger } from '@gregor/common';
import type { MetadataSource } from '../metadata-source';
import { FRESH, observeFreshness, type FreshnessState } from './metadata-freshness';
import { quorumSampleIntervalMs } from './quorum-watch';

export interface FreshnessWatchDeps {
  metadata: Pick<MetadataSource, 'controllerId' | 'lastHeartbeatAnswer' | 'appliedOffset'>;
  /** `broker.session.timeout.ms`: how long the image may stay behind, or without a controller, before it is known stale. */
  sessionTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** Runs after each transition. */
  onChange(stale: boolean): void;
}

/**
 * Samples whether this broker's metadata is known stale and decides with
 * `observeFreshness`: lazily whenever someone asks (`isStale`, on the
 * Metadata path, so the answer is exact) and on a timer, so that the one
 * log line per transition comes when it happens. A metadata source
 * without a quorum is never stale.
 */
export class FreshnessWatch {
  private state: FreshnessState = FRESH;
  private timer: NodeJS.Timeout | undefined;
  private readonly enabled: boolean;

  constructor(private readonly deps: FreshnessWatchDeps) {
    this.enabled = deps.metadata.lastHeartbeatAnswer !== undefined && deps.metadata.appliedOffset !== undefined && deps.sessionTimeoutMs > 0;
  }

  start(): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.timer = setInterval(() => this.isStale(), quorumSampleIntervalMs(this.deps.sessionTimeoutMs));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether the local metadata is known stale now (samples). */
  isStale(): boolean {
    if (!this.enabled || this.timer === undefined) return false;
    const nowMs = this.deps.clock.monotonicMs();
    const answer = this.deps.metadata.lastHeartbeatAnswer!();
    const { state, event } = observeFreshness(
      this.state,
      {
        nowMs,
        appliedOffset: this.deps.metadata.appliedOffset!(),
        controllerOffset: answer?.controllerOffset === undefined ? undefined : { offset: answer.controllerOffset, atMs: nowMs - Math.max(0, answer.ageMs) },
        controllerId: this.deps.metadata.controllerId(),
      },
      this.deps.sessionTimeoutMs,
    );
    this.state = state;
    if (event?.kind === 'stale') {
      const why =
        event.why === 'behind'
          ? `applied offset ${event.appliedOffset}, the active controller was at ${event.controllerOffset} ${Math.round(event.forMs)} ms ago`
          : `no active controller known for ${Math.round(event.forMs)} ms`;
      this.deps.logger.warn(`metadata is stale (${why}); naming no leader for partitions other brokers lead until it catches up`, { why: event.why });
      this.deps.onChange(true);
    } else if (event?.kind === 'fresh') {
      this.deps.logger.info('metadata caught up; naming partition leaders again');
      this.deps.onChange(false);
    }
    return state.stale;
  }
}
