import type { Message } from './message';
import type { Entry, HardState, Snapshot, SoftState } from './types';

/**
 * Everything the driver must do after feeding the core, taken with
 * `RaftNode.ready()` and acknowledged with `RaftNode.advance(ready)`.
 *
 * THE ORDERING CONTRACT (Raft's safety depends on it):
 *  1. Persist, durably (fsync), in this order: `snapshot` (replaces the log),
 *     `entries` (first drop every stored entry at or after entries[0].index —
 *     a conflicting suffix the leader overwrote — then append), `hardState`.
 *  2. Only then send `messages`. A vote grant is only valid once the vote is
 *     on disk (else a restarted node could vote twice in one term), and an
 *     append ack only once the entries are (else a "committed" entry could
 *     vanish in a crash).
 *  3. Apply `snapshot` (if any) to the state machine, then `committedEntries`
 *     in order (`noop` entries carry no data). Applying may run before or in
 *     parallel with step 2 but never before step 1.
 *  4. Call `advance(ready)`. Ticks and messages may be fed to the node while a
 *     Ready is being handled; `ready()` may not be called again before
 *     `advance`.
 * If the process crashes anywhere in 1–4 it restarts from what step 1 made
 * durable; unsent messages are simply lost, which Raft tolerates.
 */
export interface Ready {
  /** Present when the leader or role changed; volatile, for logs and routing. */
  readonly softState?: SoftState;
  /** Present when term, vote or commit changed: persist it. */
  readonly hardState?: HardState;
  /** Entries to persist, contiguous, replacing any stored suffix from entries[0].index. */
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader: persist it, then apply it. */
  readonly snapshot?: Snapshot;
  /** Send only after everything above is durable. */
  readonly messages: readonly Message[];
  /** Entries now committed, to apply in order after persisting. */
  readonly committedEntries: readonly Entry[];
}
