import type { Clock, Logger } from '@gregor/common';
import { assert, FAILURE_DETECTION_DEFAULTS, GregorError } from '@gregor/common';
import type { Entry, LogIndex, RaftStatus, Snapshot } from '@gregor/raft';
import type { Predecessor, SessionTiming } from './broker-sessions';
import { BrokerSessions, sessionCheckTiming, takeoverSessions } from './broker-sessions';
import { changeLogLevel, describeChange } from './change-log';
import type { FetchedMetadata } from './fetched-metadata';
import { applyFetchedMetadata } from './fetched-metadata';
import type { MetadataChange } from './image';
import { MetadataImage } from './image';
import { diffImages } from './image-diff';
import type { LevelRaftStorage } from './level-raft-storage';
import { planFenceBroker } from './plans';
import { MAX_PREFERRED_ELECTIONS_PER_WRITE, planPreferredLeaderElections } from './preferred-leader';
import type { RaftDriver, RaftView } from './raft-driver';
import type { MetadataRecord } from './records';
import { encodeRecordBatch } from './records';
import { afterEntry, applyEntry } from './apply-entry';
import type { WritePlan } from './write-queue';
import { WriteQueue } from './write-queue';

/**
 * The metadata state machine on one controller, and — while its Raft node
 * leads — the active controller.
 *
 * Every node applies committed entries to its MetadataImage. The Raft leader
 * becomes *active* only once its own leader-change record is applied: by
 * then its image holds every record committed in earlier terms, so its
 * plans cannot act on a stale view. While active it serves writes through
 * the WriteQueue and keeps broker sessions; on losing leadership it fails
 * everything pending with NOT_CONTROLLER and forgets the sessions.
 */

export interface VoterAddress {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

export interface QuorumControllerOptions {
  nodeId: number;
  clusterId: string;
  voters: readonly VoterAddress[];
  brokerSessionTimeoutMs: number;
  /**
   * broker.heartbeat.interval.ms: part of the takeover grace (a broker's
   * next heartbeat may be one interval away when it learns of the new
   * controller). Default FAILURE_DETECTION_DEFAULTS (125).
   */
  brokerHeartbeatIntervalMs?: number;
  /** Used when a request does not say; requests may not ask for more than maxWriteTimeoutMs. */
  writeTimeoutMs: number;
  maxWriteTimeoutMs: number;
  maxQueuedWrites: number;
  /** Take a snapshot after this many applied entries. */
  snapshotIntervalEntries: number;
  /** Entries kept behind a snapshot for followers slightly behind. */
  snapshotRetainEntries: number;
  /** auto.leader.rebalance.enable: move leadership back to preferred replicas. Default true. */
  autoLeaderRebalanceEnable?: boolean;
  /** leader.imbalance.check.interval.seconds, in ms. Default 10000. */
  leaderImbalanceCheckIntervalMs?: number;
  clock: Clock;
  logger: Logger;
}

/** What listeners get after each applied entry (or installed snapshot). */
export interface AppliedEvent {
  readonly offset: number;
  readonly changes: readonly MetadataChange[];
}

export class QuorumController {
  private currentImage: MetadataImage;
  private driver: RaftDriver | undefined;
  private readonly queue: WriteQueue;
  readonly sessions: BrokerSessions;
  private active = false;
  private activeTerm = -1;
  /** The term this node leads (or led last); entries of it are this node's. */
  private leaderTerm = -1;
  private lastSnapshotIndex: number;
  /** The last index Raft has handed to applyCommitted; the image may be ahead of it (applyFetched). */
  private raftAppliedIndex: number;
  private sessionTimer: NodeJS.Timeout | undefined;
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private predecessorCheckTimer: NodeJS.Timeout | undefined;
  private rebalancing = false;
  private sessionCheckIntervalMs = 100;
  /** A session check later than scheduled by more than this is taken for a stall of this process. */
  private sessionStallMs = 375;
  private lastSessionCheckMs = 0;
  private readonly fencing = new Set<number>();
  private readonly listeners = new Set<(e: AppliedEvent) => void>();
  private readonly voterById: ReadonlyMap<number, VoterAddress>;
  /** Monotonic ms (the injected clock) when each peer voter's Raft traffic last arrived. */
  private readonly lastHeardMs = new Map<number, number>();
  /** The last other voter this node followed as Raft leader: the predecessor when it takes over. */
  private followedLeader: number | undefined;

  constructor(
    readonly opts: QuorumControllerOptions,
    private readonly storage: LevelRaftStorage,
  ) {
    const snap = storage.snapshot();
    this.currentImage = snap.metadata.index > 0 ? MetadataImage.fromSnapshot(snap.data) : new MetadataImage();
    assert(this.currentImage.offset === snap.metadata.index, `snapshot at ${snap.metadata.index} holds an image at ${this.currentImage.offset}`);
    this.lastSnapshotIndex = snap.metadata.index;
    this.raftAppliedIndex = snap.metadata.index;
    this.sessions = new BrokerSessions(opts.brokerSessionTimeoutMs);
    this.voterById = new Map(opts.voters.map((v) => [v.id, v]));
    this.queue = new WriteQueue({
      maxQueued: opts.maxQueuedWrites,
      image: () => this.currentImage,
      proposer: { propose: (records) => this.proposeRecords(records) },
    });
  }

  get nodeId(): number {
    return this.opts.nodeId;
  }

  get image(): MetadataImage {
    return this.currentImage;
  }

  /** Index the image reflects: the start point for the Raft node after a restart. */
  get appliedIndex(): LogIndex {
    return this.currentImage.offset as LogIndex;
  }

  attach(driver: RaftDriver): void {
    this.driver = driver;
  }

  isActive(): boolean {
    return this.active;
  }

  /** The Raft leader's id as this node knows it; -1 when unknown. */
  leaderId(): number {
    return this.driver?.currentView.leaderId ?? -1;
  }

  /** A Raft message from voter `from` arrived (the transport calls this before stepping it). */
  heardFrom(from: number): void {
    this.lastHeardMs.set(from, this.opts.clock.monotonicMs());
  }

  /** Monotonic ms when voter `id`'s Raft traffic last arrived; undefined if never. */
  lastHeardFromMs(id: number): number | undefined {
    return this.lastHeardMs.get(id);
  }

  voterAddress(id: number): string {
    const v = this.voterById.get(id);
    return v === undefined ? '' : `${v.host}:${v.port}`;
  }

  raftStatus(): RaftStatus | undefined {
    return this.driver?.status();
  }

  storageView(): LevelRaftStorage {
    return this.storage;
  }

  subscribe(listener: (e: AppliedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notController(): GregorError {
    const leader = this.leaderId();
    const where = leader === -1 ? 'no active controller is known' : `the active controller is node ${leader} at ${this.voterAddress(leader)}`;
    return new GregorError('NOT_CONTROLLER', `node ${this.nodeId} is not the active controller; ${where}`, leader === -1 ? {} : { leaderHint: leader });
  }

  requireActive(): void {
    if (!this.active) throw this.notController();
  }

  /** Clamps a request's timeout (0 = the default). */
  timeoutFor(requestedMs: number): number {
    if (!Number.isFinite(requestedMs) || requestedMs <= 0) return this.opts.writeTimeoutMs;
    return Math.min(requestedMs, this.opts.maxWriteTimeoutMs);
  }

  /** Plans and commits one write on the active controller; see WriteQueue. */
  write<R>(what: string, plan: (image: MetadataImage) => WritePlan<R>, timeoutMs = 0): Promise<R> {
    if (!this.active) return Promise.reject(this.notController());
    return this.queue.submit(what, plan, this.timeoutFor(timeoutMs));
  }

  private proposeRecords(records: readonly MetadataRecord[]): { index: number; term: number } {
    assert(this.driver !== undefined, 'controller has no raft driver');
    return this.driver.propose(encodeRecordBatch({ origin: `node-${this.nodeId}`, records }));
  }

  // ---- driver callbacks ------------------------------------------------------

  onViewChange(view: RaftView, prev: RaftView): void {
    if (this.active && (view.role !== 'leader' || view.term !== this.activeTerm)) {
      this.deactivate(view);
    }
    if (view.role === 'leader' && (prev.role !== 'leader' || prev.term !== view.term)) {
      this.leaderTerm = view.term;
      // KRaft's LeaderChangeMessage: once applied, the image is complete.
      try {
        this.proposeRecords([{ type: 'leader-change', leaderId: this.nodeId, term: view.term }]);
      } catch (err) {
        this.opts.logger.warn(`could not propose the leader-change record for term ${view.term}: ${(err as Error).message}`);
      }
    }
    if (view.leaderId !== null && view.leaderId !== this.nodeId) this.followedLeader = view.leaderId;
    if (view.leaderId !== prev.leaderId) {
      this.opts.logger.debug(`raft leader is now ${view.leaderId ?? 'unknown'} (term ${view.term}, this node ${view.role})`);
    }
  }

  async applyCommitted(snapshot: Snapshot | undefined, entries: readonly Entry[]): Promise<void> {
    if (snapshot !== undefined) {
      // Raft has stored it either way: it is this node's latest snapshot.
      this.lastSnapshotIndex = Math.max(this.lastSnapshotIndex, snapshot.metadata.index);
      this.raftAppliedIndex = Math.max(this.raftAppliedIndex, snapshot.metadata.index);
    }
    if (snapshot !== undefined && snapshot.metadata.index > this.currentImage.offset) {
      const before = this.currentImage;
      this.currentImage = MetadataImage.fromSnapshot(snapshot.data);
      this.opts.logger.info(`installed metadata snapshot at offset ${snapshot.metadata.index} from the leader`);
      this.emit({ offset: this.currentImage.offset, changes: diffImages(before, this.currentImage) });
    }
    for (const e of entries) {
      this.raftAppliedIndex = Math.max(this.raftAppliedIndex, e.index);
      // Covered by the snapshot we started from, or fetched by the broker ahead of Raft (applyFetched).
      if (e.index <= this.currentImage.offset) continue;
      if (e.type === 'noop' || e.data.byteLength === 0) {
        this.currentImage.advanceTo(e.index);
        this.emit({ offset: e.index, changes: [] });
      } else {
        const changes = await applyEntry(() => this.currentImage, e.data, e.index);
        if (changes !== undefined) {
          if (e.term === this.leaderTerm) this.logChanges(changes);
          this.emit({ offset: e.index, changes });
          for (const c of changes) {
            if (c.kind === 'leader-change' && c.leaderId === this.nodeId && c.term === this.leaderTerm) this.maybeActivate(c.term);
          }
        }
      }
      this.queue.onApplied(e.index, e.term);
      await afterEntry(e.data);
    }
    // A snapshot is of Raft's log: not while the image holds entries fetched
    // ahead of it (its log does not have them yet; it will, and then this runs).
    if (this.currentImage.offset === this.raftAppliedIndex && this.currentImage.offset - this.lastSnapshotIndex >= this.opts.snapshotIntervalEntries) {
      const index = this.currentImage.offset as LogIndex;
      await this.storage.createSnapshot(index, this.currentImage.toSnapshot(), this.opts.snapshotRetainEntries);
      this.lastSnapshotIndex = index;
      this.opts.logger.debug(`wrote metadata snapshot at offset ${index}`);
    }
  }

  /**
   * Committed entries the co-located broker fetched from the active
   * controller over its own connection, because Raft's messages stopped
   * reaching this voter (a one-way cut: metadata-catch-up). Committed
   * entries are final and the same on every voter, so the image may run
   * ahead of this node's Raft log; Raft's copies are skipped when they come.
   * Never on the active controller (its image is the source). Returns how
   * many steps were new.
   */
  async applyFetched(fetched: FetchedMetadata): Promise<number> {
    if (this.active) return 0;
    return applyFetchedMetadata(
      () => this.currentImage,
      (next) => (this.currentImage = next),
      fetched,
      (e) => this.emit(e),
    );
  }

  private emit(e: AppliedEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.opts.logger.error(`metadata listener failed: ${(err as Error).message}`);
      }
    }
  }

  private logChanges(changes: readonly MetadataChange[]): void {
    for (const c of changes) {
      const line = describeChange(c);
      if (line !== undefined) this.opts.logger[changeLogLevel(c)](line);
    }
  }

  // ---- activity --------------------------------------------------------------

  private maybeActivate(term: number): void {
    const view = this.driver?.currentView;
    if (view === undefined || view.role !== 'leader' || view.term !== term || this.active) return;
    this.active = true;
    this.activeTerm = term;
    const predecessor = this.predecessor();
    this.followedLeader = undefined;
    if (this.opts.autoLeaderRebalanceEnable ?? true) {
      this.rebalanceTimer = setInterval(() => this.maybeElectPreferredLeaders(), this.opts.leaderImbalanceCheckIntervalMs ?? 10_000);
    }
    this.opts.logger.info(`node ${this.nodeId} became active controller (term ${term})`);
    this.startSessions(predecessor);
    this.queue.activate();
  }

  /**
   * A new controller cannot know when brokers last heard from the old one,
   * and each broker may still be spending a heartbeat on the old one: nobody
   * is fenced for silence before a full session plus one heartbeat interval
   * — but the old controller's own broker, silent as long as its Raft node
   * (takeoverSessions). Starts the periodic session check, and one at the
   * moment the predecessor's session ends, which may come within a check
   * interval of the takeover.
   */
  private startSessions(predecessor: Predecessor | undefined): void {
    const now = this.opts.clock.monotonicMs();
    this.sessions.resetAll(takeoverSessions(this.currentImage.brokers().map((b) => b.brokerId), now, this.sessionTiming, predecessor));
    this.fencing.clear();
    const { intervalMs: every, stallMs } = sessionCheckTiming(this.opts.brokerSessionTimeoutMs);
    this.sessionCheckIntervalMs = every;
    this.sessionStallMs = stallMs;
    this.lastSessionCheckMs = now;
    this.sessionTimer = setInterval(() => this.maybeFenceExpiredBrokers(), every);
    const predecessorExpiresAtMs = predecessor === undefined ? undefined : this.sessions.expiresAtMs(predecessor.nodeId);
    if (predecessor === undefined || predecessorExpiresAtMs === undefined || !this.currentImage.isUnfenced(predecessor.nodeId)) return;
    this.predecessorCheckTimer = setTimeout(() => this.maybeFenceExpiredBrokers(), Math.max(0, Math.ceil(predecessorExpiresAtMs - now)));
    this.opts.logger.info(
      `broker ${predecessor.nodeId} (the previous active controller, silent for ${Math.round(now - predecessor.lastHeardMs)} ms) ` +
        `is fenced in ${Math.round(predecessorExpiresAtMs - now)} ms unless it heartbeats; the other brokers have ${this.takeoverGraceMs} ms to find this controller`,
    );
  }

  private deactivate(view: RaftView): void {
    this.active = false;
    this.stopTimers();
    this.sessions.clear();
    const leader = view.leaderId === null ? 'unknown' : `node ${view.leaderId}`;
    this.opts.logger.info(`node ${this.nodeId} is no longer the active controller (term ${view.term}, leader ${leader})`);
    this.queue.deactivate(this.notController());
  }

  /**
   * The session check, run by a timer every `sessionCheckIntervalMs` while
   * active (callable directly, e.g. by a test that moves an injected clock):
   * starts a fence write for each unfenced broker whose session expired, and
   * returns their ids. Time is the injected clock's, so a test decides how
   * much of it passes.
   */
  maybeFenceExpiredBrokers(): number[] {
    if (!this.active) return [];
    const now = this.opts.clock.monotonicMs();
    // A check that runs much later than scheduled means this process stalled;
    // do not blame the brokers for it (their heartbeats are queued behind us).
    const lateMs = now - this.lastSessionCheckMs - this.sessionCheckIntervalMs;
    this.lastSessionCheckMs = now;
    if (lateMs > this.sessionStallMs) {
      this.sessions.forgive(lateMs);
      this.opts.logger.warn(`controller ${this.nodeId} stalled for about ${Math.round(lateMs)} ms; broker sessions extended by that much`);
      return [];
    }
    const started: number[] = [];
    for (const id of this.sessions.expired(this.currentImage.unfencedBrokerIds(), now)) {
      if (this.fencing.has(id)) continue;
      this.fencing.add(id);
      started.push(id);
      const silentMs = Math.round(now - (this.sessions.get(id)?.lastContactMs ?? now));
      const reason = `no heartbeat for ${silentMs} ms (broker.session.timeout.ms=${this.opts.brokerSessionTimeoutMs})`;
      this.write(`fence broker ${id}`, (image) => ({
        // The broker may have come back while this waited in the queue.
        records: this.sessions.hasLiveSession(id, this.opts.clock.monotonicMs()) ? [] : planFenceBroker(image, id, reason),
        result: () => undefined,
      }))
        .catch((err: Error) => this.opts.logger.warn(`could not fence broker ${id}: ${err.message}`))
        .finally(() => this.fencing.delete(id));
    }
    return started;
  }

  /** How long a newly active controller waits before fencing a silent broker (its predecessor's aside): one session plus one heartbeat interval. */
  get takeoverGraceMs(): number {
    const t = this.sessionTiming;
    return t.sessionTimeoutMs + t.heartbeatIntervalMs;
  }

  private get sessionTiming(): SessionTiming {
    return {
      sessionTimeoutMs: this.opts.brokerSessionTimeoutMs,
      heartbeatIntervalMs: this.opts.brokerHeartbeatIntervalMs ?? FAILURE_DETECTION_DEFAULTS.brokerHeartbeatIntervalMs,
    };
  }

  /** The voter this node followed before it took over, and when it last heard from it; undefined when there is none. */
  private predecessor(): Predecessor | undefined {
    const id = this.followedLeader;
    const heard = id === undefined ? undefined : this.lastHeardMs.get(id);
    return id === undefined || heard === undefined ? undefined : { nodeId: id, lastHeardMs: heard };
  }

  /** How often the session check runs while active (ms of the injected clock). */
  get sessionCheckEveryMs(): number {
    return this.sessionCheckIntervalMs;
  }

  /** How much later than scheduled a session check may run before the controller takes the gap for its own stall. */
  get sessionCheckStallMs(): number {
    return this.sessionStallMs;
  }

  private stopTimers(): void {
    if (this.sessionTimer !== undefined) clearInterval(this.sessionTimer);
    if (this.rebalanceTimer !== undefined) clearInterval(this.rebalanceTimer);
    if (this.predecessorCheckTimer !== undefined) clearTimeout(this.predecessorCheckTimer);
    this.sessionTimer = undefined;
    this.rebalanceTimer = undefined;
    this.predecessorCheckTimer = undefined;
  }

  /**
   * Preferred leader election (see preferred-leader.ts): one write with
   * every move, planned again against the image at its turn in the queue
   * (a broker may have been fenced meanwhile). One pass at a time; a pass
   * that hit the per-write bound is followed at once by another.
   */
  maybeElectPreferredLeaders(): void {
    if (!this.active || this.rebalancing) return;
    // Cheap check first: a balanced cluster costs no write at all.
    if (planPreferredLeaderElections(this.currentImage, 1).length === 0) return;
    this.rebalancing = true;
    this.write('preferred leader election', (image) => {
      const records = planPreferredLeaderElections(image);
      return { records, result: () => records.length };
    })
      .then((moved) => {
        if (moved >= MAX_PREFERRED_ELECTIONS_PER_WRITE) setImmediate(() => this.maybeElectPreferredLeaders());
      })
      .catch((err: Error) => this.opts.logger.warn(`preferred leader election failed: ${err.message}`))
      .finally(() => {
        this.rebalancing = false;
      });
  }

  /** Stops timers and fails pending writes (the node is shutting down). */
  close(): void {
    this.stopTimers();
    this.active = false;
    this.queue.deactivate(new GregorError('NOT_CONTROLLER', `controller ${this.nodeId} is shutting down`));
  }

  /** For DescribeQuorum and logs. */
  voters(): readonly VoterAddress[] {
    return this.opts.voters;
  }
}
