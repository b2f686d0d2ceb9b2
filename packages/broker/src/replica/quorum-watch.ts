import type { Clock, Logger } from '@gregor/common';
import type { MetadataSource } from '../metadata-source';
import { initialQuorumContact, observeQuorumContact, type QuorumContactState, type QuorumContactTiming } from './quorum-contact';

export interface QuorumWatchDeps {
  metadata: Pick<MetadataSource, 'controllerId' | 'lastHeartbeatAnswer'>;
  /** `broker.session.timeout.ms`: after this long without contact the controller has fenced this broker. */
  sessionTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  /**
   * Runs after each transition, with the new state. On losing contact it
   * returns how many led partitions it stepped back from and how many it
   * keeps (their followers still fetch), for the log line.
   */
  onChange(cutOff: boolean): { steppedBack: number; kept: number };
  /** Runs on every timer sample while cut off (partitions whose followers stopped fetching step back then). */
  whileCutOff(): void;
}

/** How often a watch of this broker's standing with the quorum samples on its own: a tenth of the session, 10–250 ms. */
export function quorumSampleIntervalMs(sessionTimeoutMs: number): number {
  return Math.min(250, Math.max(10, Math.floor(sessionTimeoutMs / 10)));
}

/**
 * How a broker tells its own stalls from silence, for judgements measured
 * in sessions (quorum contact; followers' silence, stall-free-clock.ts):
 * samples every `intervalMs`, and a gap of several — at least a third of
 * the session — between two samples is this broker stalling.
 */
export function stallTiming(sessionTimeoutMs: number): { intervalMs: number; stallMs: number } {
  const intervalMs = quorumSampleIntervalMs(sessionTimeoutMs);
  return { intervalMs, stallMs: Math.max(4 * intervalMs, Math.floor(sessionTimeoutMs / 3)) };
}

/**
 * Samples this broker's contact with the controller quorum and decides with
 * `observeQuorumContact`: lazily whenever someone asks (`isCutOff`, on the
 * request path, so the answer is exact), and on a timer, so that waiting
 * acks=all produces fail promptly when nobody asks. Logs the one line per
 * transition. A metadata source without heartbeats (a single node's local
 * store) has no quorum to lose: never cut off.
 */
export class QuorumWatch {
  private state: QuorumContactState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly enabled: boolean;
  /** The timer's period: a tenth of the session, at most 250 ms; the step back comes at most that late. */
  private readonly intervalMs: number;
  private readonly timing: QuorumContactTiming;

  constructor(private readonly deps: QuorumWatchDeps) {
    this.enabled = deps.metadata.lastHeartbeatAnswer !== undefined && deps.sessionTimeoutMs > 0;
    const { intervalMs, stallMs } = stallTiming(deps.sessionTimeoutMs);
    this.intervalMs = intervalMs;
    this.timing = { sessionTimeoutMs: deps.sessionTimeoutMs, stallMs };
  }

  /** Starts watching: the session counts from now (the broker has just registered). */
  start(): void {
    if (!this.enabled || this.state !== undefined) return;
    this.state = initialQuorumContact(this.deps.clock.monotonicMs(), this.deps.metadata.controllerId());
    this.timer = setInterval(() => {
      if (this.isCutOff()) this.deps.whileCutOff();
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether the broker has been out of contact with the quorum for a whole session (samples now). */
  isCutOff(): boolean {
    if (this.state === undefined) return false;
    const answer = this.deps.metadata.lastHeartbeatAnswer!();
    const { state, event } = observeQuorumContact(
      this.state,
      {
        nowMs: this.deps.clock.monotonicMs(),
        heartbeatAnswerAgeMs: answer?.ageMs,
        heartbeatAnswerFenced: answer?.fenced ?? false,
        controllerId: this.deps.metadata.controllerId(),
      },
      this.timing,
    );
    this.state = state;
    if (event?.kind === 'lost') {
      const lastAnswer = answer === undefined ? 'none' : `${Math.round(answer.ageMs)} ms ago${answer.fenced ? ', fenced' : ''}`;
      const { steppedBack, kept } = this.deps.onChange(true);
      const keeping = kept > 0 ? `, keeping ${kept} whose followers still fetch from it` : '';
      this.deps.logger.warn(`lost contact with the quorum (last heartbeat answer ${lastAnswer}); stepping back from leadership of ${steppedBack} partitions${keeping}`, {
        silentMs: Math.round(event.silentMs),
        sessionTimeoutMs: this.deps.sessionTimeoutMs,
        steppedBack,
        kept,
      });
    } else if (event?.kind === 'regained') {
      this.deps.logger.info(`regained contact with the quorum after ${Math.round(event.afterMs)} ms`, { afterMs: Math.round(event.afterMs) });
      this.deps.onChange(false);
    }
    return state.lost;
  }
}
