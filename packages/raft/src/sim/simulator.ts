import type { NodeId } from '@gregor/common';
import { AssertionError, assert, isGregorError, nodeId } from '@gregor/common';
import { formatMessage } from '../format';
import { MemoryStorage } from '../memory-storage';
import { createPrng } from '../prng';
import type { ProposalPosition } from '../raft-node';
import type { Ready } from '../ready';
import { RaftNode } from '../raft-node';
import type { LogIndex } from '../types';
import type { CheckedNode } from './checker';
import { SafetyChecker, SafetyViolation } from './checker';
import { SimNetwork } from './network';
import type { SimOptions, SimProfile } from './options';
import { DEFAULT_SAFETY_TICKS, drawProfile, nodesForSeed } from './options';
import { SimRandom } from './random';
import type { MachineState } from './state-machine';
import { INITIAL_STATE, applyEntry, decodeState, encodeState } from './state-machine';

export interface SimStats {
  ticks: number;
  leadersElected: number;
  maxTerm: number;
  committedIndex: number;
  proposals: number;
  proposalsAccepted: number;
  messagesSent: number;
  messagesDropped: number;
  messagesDuplicated: number;
  crashes: number;
  partitions: number;
  snapshots: number;
  transfers: number;
  /** Ticks from healing to the liveness proposal being applied everywhere. */
  livenessTicks: number;
  /** The bound on `livenessTicks` for this seed. */
  livenessBudgetTicks: number;
}

export interface SimFailure {
  readonly phase: 'safety' | 'liveness';
  readonly tick: number;
  /** A SafetyViolation kind, 'invariant' for a core assert, 'liveness', or 'error'. */
  readonly kind: string;
  readonly message: string;
  readonly stack?: string;
}

export interface SimResult {
  readonly seed: number;
  readonly nodes: number;
  readonly ok: boolean;
  readonly failure?: SimFailure;
  readonly stats: SimStats;
}

/** Runs one seed: a safety phase with faults, then a liveness phase without. */
export function runSimulation(options: SimOptions): SimResult {
  return new Simulation(options).run();
}

class SimNode implements CheckedNode {
  raft: RaftNode | null = null;
  /** A Ready taken but not yet carried out (a slow disk). */
  pending: { ready: Ready; completeAt: number } | null = null;
  state: MachineState = INITIAL_STATE;
  tickRate = 1;
  tickCredit = 0;
  restartAt = 0;

  constructor(
    readonly id: NodeId,
    readonly storage: MemoryStorage,
  ) {}
}

class Simulation {
  private readonly rng: SimRandom;
  private readonly profile: SimProfile;
  private readonly ids: NodeId[];
  private readonly nodes: SimNode[];
  private readonly network: SimNetwork;
  private readonly checker: SafetyChecker;
  private readonly trace: ((line: string) => void) | undefined;
  private readonly safetyTicks: number;
  private readonly livenessTicks: number;
  private now = 0;
  private phase: 'safety' | 'liveness' = 'safety';
  private healAt = Infinity;
  private readyDelayTicks: number;
  private proposalCounter = 0;
  private readonly stats: SimStats = {
    ticks: 0,
    leadersElected: 0,
    maxTerm: 0,
    committedIndex: 0,
    proposals: 0,
    proposalsAccepted: 0,
    messagesSent: 0,
    messagesDropped: 0,
    messagesDuplicated: 0,
    crashes: 0,
    partitions: 0,
    snapshots: 0,
    transfers: 0,
    livenessTicks: 0,
    livenessBudgetTicks: 0,
  };

  constructor(private readonly options: SimOptions) {
    this.rng = new SimRandom(createPrng(options.seed));
    this.profile = drawProfile(this.rng);
    const size = options.nodes ?? nodesForSeed(options.seed);
    this.ids = Array.from({ length: size }, (_, i) => nodeId(i + 1));
    this.trace = options.trace;
    this.safetyTicks = options.safetyTicks ?? DEFAULT_SAFETY_TICKS;
    // Generous but bounded: tens of (slowest, randomized) election timeouts.
    const slowest = 1 / this.profile.tickRateRange[0];
    const election = this.profile.raft.electionTimeoutTicks ?? 10;
    this.livenessTicks = options.livenessTicks ?? Math.ceil(40 * 2 * election * slowest);
    this.stats.livenessBudgetTicks = this.livenessTicks;
    this.network = new SimNetwork(this.rng, {
      dropProbability: this.profile.dropProbability,
      duplicateProbability: this.profile.duplicateProbability,
      maxExtraDelay: this.profile.maxExtraDelay,
    });
    this.checker = new SafetyChecker(size);
    this.readyDelayTicks = this.profile.readyDelayTicks;
    this.nodes = this.ids.map((id) => new SimNode(id, new MemoryStorage(this.ids)));
    if (this.trace !== undefined) this.trace(`profile ${JSON.stringify(this.profile)}`);
    for (const n of this.nodes) this.start(n);
  }

  run(): SimResult {
    let failure: SimFailure | undefined;
    try {
      for (; this.now < this.safetyTicks; this.now++) this.step(true);
      failure = this.liveness();
    } catch (err) {
      failure = this.describeFailure(err);
    }
    this.stats.ticks = this.now;
    this.stats.leadersElected = this.checker.leadersElected;
    this.stats.committedIndex = this.checker.committedIndex;
    this.stats.messagesSent = this.network.sent;
    this.stats.messagesDropped = this.network.dropped;
    this.stats.messagesDuplicated = this.network.duplicated;
    return {
      seed: this.options.seed,
      nodes: this.ids.length,
      ok: failure === undefined,
      ...(failure === undefined ? {} : { failure }),
      stats: this.stats,
    };
  }

  private describeFailure(err: unknown): SimFailure {
    const kind =
      err instanceof SafetyViolation ? err.kind : err instanceof AssertionError ? 'invariant' : 'error';
    const message = err instanceof Error ? err.message : String(err);
    const stack = err instanceof Error ? err.stack : undefined;
    return { phase: this.phase, tick: this.now, kind, message, ...(stack === undefined ? {} : { stack }) };
  }

  // ---- phases ---------------------------------------------------------------

  /**
   * Heal everything, restart every node, stop injecting faults (delays,
   * duplicates and reordering stay), then require a leader and a new entry
   * applied on every node within a bounded number of ticks.
   */
  private liveness(): SimFailure | undefined {
    this.phase = 'liveness';
    this.network.heal();
    // A healed network and disk meet Raft's timing requirement (§5.6:
    // broadcast time, fsync included, well below the election timeout); the
    // safety phase may violate it on purpose, which stresses safety but
    // rightly prevents progress.
    const election = this.profile.raft.electionTimeoutTicks ?? 10;
    const slack = Math.max(0, Math.floor(election / 4) - 1);
    const maxExtraDelay = Math.min(this.profile.maxExtraDelay, slack);
    this.readyDelayTicks = Math.min(this.profile.readyDelayTicks, slack - maxExtraDelay);
    this.network.faults = {
      dropProbability: 0,
      duplicateProbability: this.profile.duplicateProbability,
      maxExtraDelay,
    };
    for (const n of this.nodes) if (n.raft === null) this.start(n);
    this.log('heal: network healed, all nodes up');
    const start = this.now;
    const data = new TextEncoder().encode(`liveness-${this.options.seed}`);
    let pending: ProposalPosition | null = null;
    for (; this.now < start + this.livenessTicks; this.now++) {
      this.step(false);
      if (pending !== null && this.appliedEverywhere(pending)) {
        this.stats.livenessTicks = this.now - start;
        return undefined;
      }
      const leader = this.currentLeader();
      if (leader?.raft != null && (pending === null || pending.term < leader.raft.term)) {
        try {
          pending = leader.raft.propose(data);
          this.log(`liveness proposal at ${pending.index}/${pending.term} on ${leader.id}`);
        } catch (err) {
          if (!isGregorError(err)) throw err;
        }
      }
    }
    const states = this.nodes
      .map((n) => {
        const s = n.raft?.status();
        return s === undefined ? `${n.id}:down` : `${n.id}:${s.role}@${s.term} commit=${s.commit} last=${s.lastIndex}`;
      })
      .join(', ');
    return {
      phase: 'liveness',
      tick: this.now,
      kind: 'liveness',
      message: `no new entry applied everywhere within ${this.livenessTicks} ticks of healing (${states})`,
    };
  }

  private appliedEverywhere(p: ProposalPosition): boolean {
    const c = this.checker.committedAt(p.index);
    if (c === undefined || c.term !== p.term) return false;
    return this.nodes.every((n) => n.raft !== null && n.state.index >= p.index);
  }

  /** A leader whose term no live node has passed. */
  private currentLeader(): SimNode | undefined {
    let maxTerm = 0;
    for (const n of this.nodes) if (n.raft !== null && n.raft.term > maxTerm) maxTerm = n.raft.term;
    return this.nodes.find((n) => n.raft !== null && n.raft.role === 'leader' && n.raft.term === maxTerm);
  }

  // ---- one tick ---------------------------------------------------------------

  private step(faults: boolean): void {
    if (faults) this.injectFaults();
    for (const n of this.nodes) {
      if (n.raft === null) {
        if (faults && n.restartAt <= this.now) this.start(n);
        continue;
      }
      // Clock drift: each node ticks at its own rate.
      n.tickCredit += n.tickRate;
      while (n.tickCredit >= 1 && n.raft !== null) {
        n.tickCredit -= 1;
        n.raft.tick();
      }
    }
    for (const m of this.network.takeDue(this.now)) {
      const target = this.nodes[m.to - 1];
      if (target.raft === null) continue;
      if (this.trace !== undefined) this.log(`deliver ${formatMessage(m)}`);
      target.raft.step(m);
      // Sometimes handle the Ready at once, sometimes batch: more interleavings.
      if (this.rng.chance(0.3)) this.processReady(target, faults);
    }
    for (const n of this.rng.shuffle([...this.nodes])) this.processReady(n, faults);
    this.checker.afterStep(this.nodes);
    for (const n of this.nodes) {
      if (n.raft !== null && n.raft.term > this.stats.maxTerm) this.stats.maxTerm = n.raft.term;
    }
  }

  /**
   * Takes Readies and carries them out. With `readyDelayTicks` the disk is
   * slow: a Ready completes (persist, send, apply, advance) up to that many
   * ticks after it was taken, while ticks and messages keep arriving: the
   * core must cope with being stepped while a Ready is in flight.
   */
  private processReady(n: SimNode, faults: boolean): void {
    for (let round = 0; round < 16; round++) {
      const raft = n.raft;
      if (raft === null) return;
      if (n.pending !== null) {
        if (n.pending.completeAt > this.now) return;
        const rd = n.pending.ready;
        n.pending = null;
        this.completeReady(n, raft, rd, faults);
        continue;
      }
      if (!raft.hasReady()) return;
      const rd = raft.ready();
      if (rd.softState !== undefined && this.trace !== undefined) {
        this.log(`node ${n.id} ${rd.softState.role} term=${raft.term} lead=${rd.softState.leaderId ?? '-'}`);
      }
      const delay = this.rng.intBetween(0, this.readyDelayTicks);
      if (delay > 0) {
        n.pending = { ready: rd, completeAt: this.now + delay };
        return;
      }
      this.completeReady(n, raft, rd, faults);
    }
  }

  /** Persist, then send, then apply, then advance: the Ready contract. */
  private completeReady(n: SimNode, raft: RaftNode, rd: Ready, faults: boolean): void {
    if (faults && this.rng.chance(this.profile.crashInReadyProbability)) {
      if (this.rng.chance(0.5)) {
        this.crash(n, 'before persisting a Ready');
        return;
      }
      n.storage.persistReady(rd);
      this.checker.onPersisted(n, rd);
      this.crash(n, 'after persisting a Ready, before sending');
      return;
    }
    n.storage.persistReady(rd);
    this.checker.onPersisted(n, rd);
    for (const m of rd.messages) {
      // A transport notices some failures; the core must be safe whether
      // or not it is told, so report only some of them.
      if (this.network.isBlocked(m.from, m.to) && this.rng.chance(0.3)) raft.reportUnreachable(m.to);
      const queued = this.network.send(m, this.now);
      if (m.type === 'MsgSnap' && this.rng.chance(0.5)) raft.reportSnapshot(m.to, queued);
    }
    if (rd.snapshot !== undefined) {
      const restored = decodeState(rd.snapshot.data);
      assert(restored.index > n.state.index, `snapshot ${restored.index} does not move node ${n.id} past ${n.state.index}`);
      n.state = restored;
      this.checker.onStateRestored(n.id, n.state);
    }
    for (const e of rd.committedEntries) {
      n.state = applyEntry(n.state, e);
      this.checker.onApplied(n.id, e, n.state);
    }
    raft.advance(rd);
  }

  // ---- faults -------------------------------------------------------------------

  private injectFaults(): void {
    const p = this.profile;
    if (this.now >= this.healAt) {
      this.network.heal();
      this.healAt = Infinity;
      this.log('partition healed');
    }
    if (this.rng.chance(p.crashProbability)) {
      const live = this.nodes.filter((n) => n.raft !== null);
      if (live.length > 0) this.crash(this.rng.pick(live), 'at random');
    }
    if (this.rng.chance(p.partitionProbability)) this.partition();
    if (this.rng.chance(p.proposeProbability)) this.propose();
    if (this.rng.chance(p.snapshotProbability)) {
      const live = this.nodes.filter((n) => n.raft !== null);
      if (live.length > 0) this.compact(this.rng.pick(live));
    }
    if (this.rng.chance(p.transferProbability)) {
      const leader = this.nodes.find((n) => n.raft?.role === 'leader');
      if (leader?.raft != null) {
        const to = this.rng.pick(this.ids.filter((id) => id !== leader.id));
        this.stats.transfers++;
        this.log(`transfer leadership ${leader.id} -> ${to}`);
        leader.raft.transferLeadership(to);
      }
    }
    if (this.rng.chance(p.campaignProbability)) {
      const live = this.nodes.filter((n) => n.raft !== null);
      if (live.length > 0) {
        const n = this.rng.pick(live);
        this.log(`node ${n.id} campaigns out of turn`);
        n.raft?.campaign();
      }
    }
  }

  private start(n: SimNode): void {
    const snapshot = n.storage.snapshot();
    n.state = decodeState(snapshot.data);
    assert(n.state.index === snapshot.metadata.index, 'simulated snapshot data and metadata disagree');
    this.checker.onStateRestored(n.id, n.state);
    n.raft = new RaftNode({
      ...this.profile.raft,
      id: n.id,
      voters: this.ids,
      storage: n.storage,
      prng: createPrng(this.rng.seed()),
      applied: n.state.index,
    });
    const [lo, hi] = this.profile.tickRateRange;
    n.tickRate = this.rng.floatBetween(lo, hi);
    n.tickCredit = this.rng.floatBetween(0, 1);
    this.log(`node ${n.id} started (term ${n.raft.term}, tick rate ${n.tickRate.toFixed(2)})`);
  }

  private crash(n: SimNode, why: string): void {
    // Only the MemoryStorage (the disk) survives; the RaftNode and the
    // application state are gone, as are its unsent messages.
    n.raft = null;
    n.pending = null;
    n.state = INITIAL_STATE;
    const [lo, hi] = this.profile.downtimeTicks;
    n.restartAt = this.now + this.rng.intBetween(lo, hi);
    this.stats.crashes++;
    this.log(`node ${n.id} crashed ${why}; restarts at ${n.restartAt}`);
  }

  private partition(): void {
    this.network.heal();
    const n = this.ids.length;
    const kind = this.rng.pick(['split', 'isolate', 'asymmetric', 'one-way'] as const);
    if (kind === 'split' || kind === 'isolate') {
      const shuffled = this.rng.shuffle([...this.ids]);
      const cut = kind === 'isolate' ? 1 : this.rng.intBetween(1, n - 1);
      const a = shuffled.slice(0, cut);
      const b = shuffled.slice(cut);
      for (const x of a) for (const y of b) {
        this.network.block(x, y);
        this.network.block(y, x);
      }
    } else if (kind === 'asymmetric') {
      for (let k = this.rng.intBetween(1, n); k > 0; k--) {
        const from = this.rng.pick(this.ids);
        const to = this.rng.pick(this.ids.filter((id) => id !== from));
        this.network.block(from, to);
      }
    } else {
      // One node can send but not receive, or receive but not send.
      const x = this.rng.pick(this.ids);
      const inbound = this.rng.chance(0.5);
      for (const y of this.ids) if (y !== x) inbound ? this.network.block(y, x) : this.network.block(x, y);
    }
    const [lo, hi] = this.profile.partitionTicks;
    this.healAt = this.now + this.rng.intBetween(lo, hi);
    this.stats.partitions++;
    this.log(`partition (${kind}): blocked ${this.network.blockedLinks().join(' ')} until ${this.healAt}`);
  }

  private propose(): void {
    const live = this.nodes.filter((n) => n.raft !== null);
    if (live.length === 0) return;
    const leaders = live.filter((n) => n.raft?.role === 'leader');
    const n = leaders.length > 0 && this.rng.chance(0.9) ? this.rng.pick(leaders) : this.rng.pick(live);
    const data = new TextEncoder().encode(`${n.id}:${++this.proposalCounter}`);
    this.stats.proposals++;
    try {
      const pos = n.raft?.propose(data);
      this.stats.proposalsAccepted++;
      if (pos !== undefined) this.log(`node ${n.id} proposed ${pos.index}/${pos.term}`);
    } catch (err) {
      // Not the leader, a transfer under way, or too much uncommitted: all
      // retriable refusals a client would see.
      if (!isGregorError(err) || !err.retriable) throw err;
    }
  }

  /** The application snapshots its state and compacts the log behind it. */
  private compact(n: SimNode): void {
    const st = n.storage;
    if (n.state.index <= st.snapshot().metadata.index) return;
    st.createSnapshot(n.state.index, encodeState(n.state));
    const keep = this.rng.intBetween(0, 5);
    st.compact(Math.max(0, n.state.index - keep) as LogIndex);
    this.stats.snapshots++;
    this.log(`node ${n.id} snapshot at ${n.state.index}, log from ${st.firstIndex()}`);
  }

  private log(line: string): void {
    if (this.trace !== undefined) this.trace(`t=${this.now} ${line}`);
  }
}
