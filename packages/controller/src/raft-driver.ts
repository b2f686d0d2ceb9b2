import type { Logger, NodeId } from '@gregor/common';
import { GregorError, toGregorError } from '@gregor/common';
import type { Entry, LogIndex, Message, ProposalPosition, RaftStatus, Role, Snapshot, Storage } from '@gregor/raft';
import { createPrng, RaftNode } from '@gregor/raft';
import type { PersistRequest } from './level-raft-storage';

/**
 * Drives a pure RaftNode with real time and real I/O: a timer turns
 * `tickIntervalMs` into tick(), incoming RPCs into step(), and a single
 * ready loop does each Ready's work in the order its contract demands —
 * persist (fsync) → send → apply → advance. The loop runs one Ready at a
 * time; inputs that arrive meanwhile are fed to the node at once and picked
 * up by the next iteration.
 */

export interface RaftView {
  readonly role: Role;
  readonly leaderId: NodeId | null;
  readonly term: number;
}

/**
 * What the driver needs of storage: the core's synchronous reads, and a
 * write of each Ready that resolves only once it is durable (LevelRaftStorage
 * in production; tests hold the promise to check the ordering).
 */
export interface DurableRaftStorage extends Storage {
  persist(req: PersistRequest): Promise<void>;
}

export interface RaftDriverOptions {
  id: NodeId;
  voters: readonly NodeId[];
  storage: DurableRaftStorage;
  tickIntervalMs: number;
  electionTimeoutTicks: number;
  heartbeatIntervalTicks: number;
  /** Index the state machine already reflects at start (the snapshot's). */
  applied?: LogIndex;
  /** Seeds the election-timeout PRNG; differs per node so timeouts differ. */
  seed: number;
  logger: Logger;
  /** Hands messages to the transport (after they are safe to send). */
  send(messages: readonly Message[]): void;
  /** Applies a snapshot (when present) then committed entries, in order. */
  apply(snapshot: Snapshot | undefined, entries: readonly Entry[]): Promise<void> | void;
  /** Role, leader or term changed. */
  onViewChange(view: RaftView, previous: RaftView): void;
  /** Storage or invariant failure: the node must not go on (crash it). */
  onFatal(err: unknown): void;
}

export class RaftDriver {
  private readonly node: RaftNode;
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private running = false;
  private stopped = false;
  private failed = false;
  private view: RaftView;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RaftDriverOptions) {
    this.node = new RaftNode({
      id: opts.id,
      voters: opts.voters,
      storage: opts.storage,
      prng: createPrng(opts.seed),
      electionTimeoutTicks: opts.electionTimeoutTicks,
      heartbeatIntervalTicks: opts.heartbeatIntervalTicks,
      ...(opts.applied !== undefined ? { applied: opts.applied } : {}),
      preVote: true,
      checkQuorum: true,
    });
    this.view = { role: this.node.role, leaderId: this.node.leaderId, term: this.node.term };
  }

  get currentView(): RaftView {
    return this.view;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.stopped) return;
      this.node.tick();
      this.schedule();
    }, this.opts.tickIntervalMs);
    this.schedule();
  }

  /** Stops ticking and waits for the Ready being handled to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.idle;
  }

  step(message: Message): void {
    if (this.stopped) return;
    this.node.step(message);
    this.schedule();
  }

  /** Starts an election now (tests, and a faster first election). */
  campaign(): void {
    if (this.stopped) return;
    this.node.campaign();
    this.schedule();
  }

  /** Throws NOT_CONTROLLER when this node cannot take proposals. */
  propose(data: Uint8Array): ProposalPosition {
    if (this.stopped || this.failed) throw new GregorError('NOT_CONTROLLER', 'the controller is stopping');
    let pos: ProposalPosition;
    try {
      pos = this.node.propose(data);
    } catch (err) {
      const e = toGregorError(err);
      if (e.errorName === 'NOT_LEADER_OR_FOLLOWER') {
        throw new GregorError('NOT_CONTROLLER', 'this node is not the active controller', e.context.leaderHint !== undefined ? { leaderHint: e.context.leaderHint } : {});
      }
      throw e;
    }
    this.schedule();
    return pos;
  }

  /** Asks the leader to hand leadership to `to` (thesis §3.10); no-op elsewhere. */
  transferLeadership(to: NodeId): void {
    if (this.stopped || this.node.role !== 'leader') return;
    this.node.transferLeadership(to);
    this.schedule();
  }

  reportUnreachable(id: NodeId): void {
    if (!this.stopped) this.node.reportUnreachable(id);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    if (!this.stopped) this.node.reportSnapshot(id, ok);
  }

  status(): RaftStatus {
    return this.node.status();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped || this.failed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.running) this.idle = this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.node.hasReady()) {
        const rd = this.node.ready();
        await this.opts.storage.persist(rd);
        if (this.stopped) return;
        if (rd.messages.length > 0) this.opts.send(rd.messages);
        if (rd.snapshot !== undefined || rd.committedEntries.length > 0) await this.opts.apply(rd.snapshot, rd.committedEntries);
        this.node.advance(rd);
        this.noticeViewChange();
      }
    } catch (err) {
      this.failed = true;
      this.opts.logger.error(`raft driver failed: ${err instanceof Error ? err.message : String(err)}`);
      this.opts.onFatal(err);
    } finally {
      this.running = false;
    }
  }

  private noticeViewChange(): void {
    const next: RaftView = { role: this.node.role, leaderId: this.node.leaderId, term: this.node.term };
    const prev = this.view;
    if (next.role === prev.role && next.leaderId === prev.leaderId && next.term === prev.term) return;
    this.view = next;
    this.opts.onViewChange(next, prev);
  }
}
