import type { NodeId } from '@gregor/common';
import { nodeId, pollUntil, silentLogger } from '@gregor/common';
import type { HardState, LogIndex, Message, Term } from '@gregor/raft';
import { MemoryStorage } from '@gregor/raft';
import type { DurableRaftStorage, PersistRequest } from '../src';
import { RaftDriver } from '../src';

/*
 * The Ready contract's step 1 before step 2, on the real driver: a message
 * that depends on a new term or vote (a vote grant, a candidate's vote
 * request) leaves only after the storage said the hard state is durable.
 * The fake storage's persist() returns a promise the test resolves.
 */

/** MemoryStorage whose writes become "durable" (visible, and acknowledged) only when the test releases them. */
class HeldStorage extends MemoryStorage implements DurableRaftStorage {
  private readonly held: { req: PersistRequest; release: () => void }[] = [];

  constructor(
    voters: readonly NodeId[],
    private readonly log: string[],
  ) {
    super(voters);
  }

  persist(req: PersistRequest): Promise<void> {
    if (req.snapshot === undefined && req.entries.length === 0 && req.hardState === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.held.push({
        req,
        release: () => {
          this.persistReady(req);
          this.log.push(`durable ${describeHardState(req.hardState)}`);
          resolve();
        },
      });
    });
  }

  /** The hard state of the oldest write still waiting (undefined when none waits). */
  waiting(): HardState | undefined {
    return this.held[0]?.req.hardState;
  }

  releaseOldest(): void {
    this.held.shift()!.release();
  }
}

function describeHardState(hs: HardState | undefined): string {
  return hs === undefined ? '-' : `term=${hs.term} vote=${hs.vote ?? 'none'}`;
}

function describeMessage(m: Message): string {
  const reject = 'reject' in m ? ` reject=${m.reject}` : '';
  return `send ${m.type} ${m.from}->${m.to} term=${m.term}${reject}`;
}

/** Lets timers, I/O callbacks and setImmediate run a few times: the driver would have sent by now if it were going to. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('RaftDriver: persist before send', () => {
  const ids = [1, 2, 3].map(nodeId);
  let driver: RaftDriver | undefined;
  let storage: HeldStorage;
  let log: string[];

  beforeEach(() => {
    log = [];
    storage = new HeldStorage(ids, log);
    driver = new RaftDriver({
      id: ids[0]!,
      voters: ids,
      storage,
      // No tick fires during a test: only the messages the test steps move the node.
      tickIntervalMs: 3_600_000,
      electionTimeoutTicks: 10,
      heartbeatIntervalTicks: 1,
      seed: 1,
      logger: silentLogger(),
      send: (messages) => {
        for (const m of messages) log.push(describeMessage(m));
      },
      apply: () => undefined,
      onViewChange: () => undefined,
      onFatal: (err) => log.push(`fatal ${String(err)}`),
    });
    driver.start();
  });

  afterEach(async () => {
    // Nothing may stay held, or stop() would wait for the Ready forever.
    while (storage.waiting() !== undefined) storage.releaseOldest();
    await driver?.stop();
  });

  it('a vote grant leaves only after the new term and vote are durable', async () => {
    driver!.step({ type: 'MsgVote', from: ids[1]!, to: ids[0]!, term: 5 as Term, lastLogIndex: 0 as LogIndex, lastLogTerm: 0 as Term, transfer: false });
    const hs = await pollUntil(() => storage.waiting(), { timeoutMs: 5000, intervalMs: 1, what: 'the driver to persist the vote' });
    expect(describeHardState(hs)).toBe('term=5 vote=2');
    await settle();
    expect(log).toEqual([]); // the grant is ready, but held back
    storage.releaseOldest();
    await pollUntil(() => log.length >= 2, { timeoutMs: 5000, intervalMs: 1, what: 'the vote response' });
    expect(log).toEqual(['durable term=5 vote=2', 'send MsgVoteResp 1->2 term=5 reject=false']);
  });

  it("a candidate's vote requests leave only after its new term and self-vote are durable", async () => {
    driver!.campaign();
    // PreVote first: it changes no term or vote, so it needs no write and leaves at once.
    await pollUntil(() => log.filter((l) => l.startsWith('send MsgPreVote ')).length === 2, { timeoutMs: 5000, intervalMs: 1, what: 'the pre-votes' });
    expect(storage.waiting()).toBeUndefined();
    log.length = 0;
    driver!.step({ type: 'MsgPreVoteResp', from: ids[1]!, to: ids[0]!, term: 1 as Term, reject: false });
    const hs = await pollUntil(() => storage.waiting(), { timeoutMs: 5000, intervalMs: 1, what: 'the candidate to persist its term and vote' });
    expect(describeHardState(hs)).toBe('term=1 vote=1');
    await settle();
    expect(log).toEqual([]);
    storage.releaseOldest();
    await pollUntil(() => log.length >= 3, { timeoutMs: 5000, intervalMs: 1, what: 'the vote requests' });
    expect(log[0]).toBe('durable term=1 vote=1');
    expect(log.slice(1).sort()).toEqual(['send MsgVote 1->2 term=1', 'send MsgVote 1->3 term=1']);
  });
});
