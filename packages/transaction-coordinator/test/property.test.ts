import fc from 'fast-check';
import { VALID_PREVIOUS_STATES, TransactionLoader, type TxnMetadata } from '@gregor/transaction-coordinator';
import { Driver } from './helpers/driver';

/**
 * Random producers — each an instance that ran InitProducerId and holds the
 * (producer id, epoch) it was given, zombies included — add partitions,
 * commit and abort, while writes are held, released or failed, markers are
 * lost, time passes (timeouts) and the coordinator fails over. Checked:
 * - every write is a legal transition (Kafka's validPreviousStates) and a
 *   decided outcome (Prepare*) is only ever followed by its Complete*;
 * - the epoch of a producer id never goes down in the log;
 * - no instance older than the id's current epoch is ever told NONE for
 *   AddPartitions or EndTxn (zombies are fenced);
 * - an EndTxn(commit) answered NONE is in the log as PrepareCommit, then CompleteCommit;
 * - at the end, with writes and markers flowing, every request is answered,
 *   no transaction is left half-decided, and the log loads back to the live state.
 * Replay a failure with SEED=<seed> (and PATH=<path> printed by fast-check).
 */

const IDS = ['t0', 't1', 't2'];
const INSTANCES = 4;

type Action =
  | { t: 'step'; i: number; commit: boolean }
  | { t: 'init'; i: number; id: number; timeoutMs: number }
  | { t: 'add'; i: number; partition: number }
  | { t: 'end'; i: number; commit: boolean }
  | { t: 'advance'; ms: number }
  | { t: 'hold' }
  | { t: 'release'; fail: boolean }
  | { t: 'markers'; mode: 'hold' | 'fail' | 'deliver' }
  | { t: 'failover' };

const i = fc.integer({ min: 0, max: INSTANCES - 1 });
// 'step' is a well-behaved producer doing its next thing (init, add, add, end); the rest disturb it.
const step = fc.record({ t: fc.constant('step' as const), i, commit: fc.boolean() });
const action: fc.Arbitrary<Action> = fc.oneof(
  step,
  step,
  step,
  step,
  step,
  step,
  step,
  step,
  fc.record({ t: fc.constant('init' as const), i, id: fc.integer({ min: 0, max: IDS.length - 1 }), timeoutMs: fc.constantFrom(2000, 60_000) }),
  fc.record({ t: fc.constant('add' as const), i, partition: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ t: fc.constant('add' as const), i, partition: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ t: fc.constant('end' as const), i, commit: fc.boolean() }),
  fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 1500, max: 10_000 })) }),
  fc.constant({ t: 'hold' as const }),
  fc.record({ t: fc.constant('release' as const), fail: fc.boolean() }),
  fc.record({ t: fc.constant('markers' as const), mode: fc.constantFrom('hold' as const, 'fail' as const, 'deliver' as const) }),
  fc.constant({ t: 'failover' as const }),
);

interface Instance {
  id: string;
  producerId: bigint;
  epoch: number;
  initRequest: number | undefined;
  /** For 'step': 0, 1 = add a partition, 2 = end; and the request of the step in progress. */
  step: number;
  lastRequest: number | undefined;
  /** Told PRODUCER_FENCED / INVALID_PRODUCER_ID_MAPPING: a well-behaved app starts a new producer. */
  fenced: boolean;
}

class Model {
  readonly d = new Driver();
  readonly instances: (Instance | undefined)[] = new Array(INSTANCES).fill(undefined);
  /** request id → the instance and what it asked, to check answers against. */
  readonly asked = new Map<number, { inst: Instance; kind: 'add' | 'end'; commit?: boolean; epochAtAsk: number }>();
  private checkedAnswers = new Set<number>();
  private checkedLog = 0;
  private markersHeld = false;
  private readonly lastState = new Map<string, TxnMetadata>();

  /**
   * What instance `a.i` does next when it behaves: start, add two
   * partitions, end, again — waiting for each answer and retrying a step
   * that failed with a retriable error.
   */
  private nextStep(a: Extract<Action, { t: 'step' }>): Action {
    const inst = this.instances[a.i];
    if (inst === undefined) return { t: 'init', i: a.i, id: a.i % IDS.length, timeoutMs: 60_000 };
    if (inst.initRequest !== undefined) return a;
    if (inst.producerId < 0n || inst.fenced) {
      this.instances[a.i] = undefined;
      return { t: 'init', i: a.i, id: IDS.indexOf(inst.id), timeoutMs: 60_000 };
    }
    if (inst.lastRequest !== undefined) {
      const err = this.d.error(inst.lastRequest);
      if (err === 'pending') return a;
      if (err === 'NONE') inst.step = (inst.step + 1) % 3;
      else if (err === 'INVALID_TXN_STATE') inst.step = 0;
      inst.lastRequest = undefined;
    }
    return inst.step < 2 ? { t: 'add', i: a.i, partition: inst.step } : { t: 'end', i: a.i, commit: a.commit };
  }

  run(a: Action): void {
    const d = this.d;
    if (a.t === 'step') a = this.nextStep(a);
    switch (a.t) {
      case 'step':
        break; // waiting for an answer
      case 'init': {
        const prior = this.instances[a.i];
        const inst: Instance = { id: IDS[a.id]!, producerId: -1n, epoch: -1, initRequest: undefined, step: 0, lastRequest: undefined, fenced: false };
        const same = prior !== undefined && prior.id === inst.id && prior.producerId >= 0n ? prior : undefined;
        inst.initRequest = d.init(inst.id, same?.producerId ?? -1n, same?.epoch ?? -1, a.timeoutMs);
        this.instances[a.i] = inst;
        break;
      }
      case 'add':
      case 'end': {
        const inst = this.instances[a.i];
        if (inst === undefined || inst.producerId < 0n) break;
        const epochAtAsk = d.shard.committed(inst.id)?.producerEpoch ?? -1;
        const req = a.t === 'add' ? d.add(inst.id, inst.producerId, inst.epoch, [{ topic: 'x', partition: a.partition }]) : d.end(inst.id, inst.producerId, inst.epoch, a.commit);
        this.asked.set(req, { inst, kind: a.t, commit: a.t === 'end' ? a.commit : undefined, epochAtAsk });
        inst.lastRequest = req;
        break;
      }
      case 'advance':
        d.advance(a.ms);
        break;
      case 'hold':
        d.hold = true;
        break;
      case 'release':
        d.hold = false;
        d.flush(a.fail ? 'NOT_ENOUGH_REPLICAS' : undefined);
        break;
      case 'markers':
        // Markers flow after every step unless held; held ones are then delivered or fail.
        this.markersHeld = a.mode === 'hold';
        if (a.mode === 'fail') d.deliverMarkers(false);
        break;
      case 'failover':
        d.hold = false;
        d.failover();
        break;
    }
    if (!this.markersHeld) d.deliverMarkers(true);
    this.learnInits();
    this.check();
  }

  /** Instances take the (id, epoch) their InitProducerId was answered with. */
  private learnInits(): void {
    for (const inst of this.instances) {
      if (inst?.initRequest === undefined) continue;
      const a = this.d.initAnswer(inst.initRequest);
      if (a === undefined) continue;
      inst.initRequest = undefined;
      if (a.error === 'NONE') {
        inst.producerId = a.producerId;
        inst.epoch = a.producerEpoch;
      }
    }
  }

  check(): void {
    const d = this.d;
    for (; this.checkedLog < d.log.length; this.checkedLog++) {
      const r = d.log[this.checkedLog]!;
      const prev = this.lastState.get(r.transactionalId);
      if (r.value === null) {
        expect(prev === undefined || VALID_PREVIOUS_STATES.Dead.includes(prev.state)).toBe(true);
        this.lastState.delete(r.transactionalId);
        continue;
      }
      const next = r.value;
      if (prev === undefined) expect(next.state).toBe('Empty');
      else {
        expect(VALID_PREVIOUS_STATES[next.state]).toContain(prev.state);
        if (prev.producerId === next.producerId) expect(next.producerEpoch).toBeGreaterThanOrEqual(prev.producerEpoch);
        if (prev.state === 'PrepareCommit') expect(next.state).toBe('CompleteCommit');
        if (prev.state === 'PrepareAbort') expect(next.state).toBe('CompleteAbort');
      }
      this.lastState.set(r.transactionalId, next);
    }
    for (const [req, q] of this.asked) {
      if (this.checkedAnswers.has(req)) continue;
      const err = d.error(req);
      if (err === 'pending') continue;
      this.checkedAnswers.add(req);
      if (err === 'PRODUCER_FENCED' || err === 'INVALID_PRODUCER_ID_MAPPING') q.inst.fenced = true;
      if (err !== 'NONE') continue;
      // Zombies are never told NONE: the instance held the id's current epoch when it asked.
      expect(q.inst.epoch).toBe(q.epochAtAsk);
      if (q.kind === 'end' && q.commit === true) {
        const decided = d.log.some((r) => r.transactionalId === q.inst.id && r.value?.producerEpoch === q.inst.epoch && (r.value.state === 'PrepareCommit' || r.value.state === 'CompleteCommit'));
        expect(decided).toBe(true);
      }
    }
  }

  /** Liveness: writes and markers flow, time passes; everything settles. */
  settle(): void {
    const d = this.d;
    d.hold = false;
    // Past every transaction's timeout, each round ending with writes and markers done.
    for (let round = 0; round < 70; round++) {
      d.advance(1000);
      d.flush();
      d.deliverMarkers(true);
      this.learnInits();
      this.check();
    }
    for (const req of this.asked.keys()) expect(d.error(req)).not.toBe('pending');
    expect(d.waitingCount).toBe(0);
    for (const m of d.shard.allCommitted()) expect(['Empty', 'Ongoing', 'CompleteCommit', 'CompleteAbort']).toContain(m.state);
    const loader = new TransactionLoader();
    for (const r of d.log) loader.replay(r);
    const strip = (m: TxnMetadata) => ({ ...m, lastProducerId: -1n, lastProducerEpoch: -1 });
    const byId = (a: TxnMetadata, b: TxnMetadata) => (a.transactionalId < b.transactionalId ? -1 : 1);
    expect(loader.state().map(strip).sort(byId)).toEqual(d.shard.allCommitted().map(strip).sort(byId));
  }
}

it('random producers, write failures, timeouts and failovers keep the coordinator safe and live', () => {
  const seed = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);
  const path = process.env['PATH_'] ?? process.env['FC_PATH'];
  fc.assert(
    fc.property(fc.array(action, { minLength: 1, maxLength: 150, size: 'max' }), (actions) => {
      const m = new Model();
      for (const a of actions) m.run(a);
      m.settle();
    }),
    { numRuns: Number(process.env['NUM_RUNS'] ?? 100), ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }) },
  );
});
