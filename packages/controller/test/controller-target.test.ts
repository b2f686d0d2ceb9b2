import * as grpc from '@grpc/grpc-js';
import { loadControllerProto } from '@gregor/proto';
import type { VoterAddress } from '../src';
import { ControllerClient, heartbeatTiming } from '../src';
import { answered, chooseTarget, initialTargetState, redirected, unreachable } from '../src/controller-target';

/*
 * Where a broker sends its heartbeats when the active controller moves
 * (issue #10 item 1, the KAFKA-15019 family): to the voter the quorum
 * names, never again and again to a stale guess, with attempts short
 * enough that several fit in one session.
 */

describe('chooseTarget (pure)', () => {
  const voters = [1, 2, 3];

  it('asks the quorum\'s leader; a change of it replaces a stale guess', () => {
    const s = initialTargetState();
    expect(chooseTarget(s, voters, 2, 0)).toBe(2);
    answered(s, 2);
    // The log now names 3: news, even though 2 answered last.
    expect(chooseTarget(s, voters, 3, 10)).toBe(3);
    // No news: the guess stays where the last answer came from.
    answered(s, 3);
    expect(chooseTarget(s, voters, 3, 20)).toBe(3);
  });

  it('does not ask a voter that just failed again while another could answer, even when hinted at', () => {
    // A broker-only node whose log names no leader yet: it goes by answers and hints.
    const s = initialTargetState();
    expect(chooseTarget(s, voters, -1, 0)).toBe(1);
    answered(s, 1); // node 1 was the active controller
    unreachable(s, 1, 0, 1000); // ... and stopped answering
    const asked = new Set<number>();
    for (let i = 0; i < 6; i++) {
      asked.add(chooseTarget(s, voters, -1, i));
      redirected(s, 1); // every other voter still names node 1 before the election
    }
    expect(asked.has(1)).toBe(false);
    expect([...asked].sort()).toEqual([2, 3]);
    // Once the cool-off is over, node 1 is tried again (it may have come back).
    expect(chooseTarget(s, voters, -1, 1000)).toBe(1);
  });

  it('a voter the quorum names that timed out is asked again after one detour once another voter names it too (slow, not gone)', () => {
    const s = initialTargetState();
    expect(chooseTarget(s, voters, 1, 0)).toBe(1);
    answered(s, 1);
    unreachable(s, 1, 0, 1000); // an attempt timed out: an overloaded controller
    expect(chooseTarget(s, voters, 1, 1)).toBe(2); // one detour: 2 may know a newer leader
    redirected(s, 1); // it does not: the quorum and 2 agree on node 1
    expect(chooseTarget(s, voters, 1, 2)).toBe(1);
  });

  it('news from the quorum lifts the cool-off of the voter it names', () => {
    const s = initialTargetState();
    unreachable(s, 2, 0, 1000);
    expect(chooseTarget(s, voters, 2, 1)).toBe(2);
  });

  it('keeps asking an elected leader that is not active yet (it names itself)', () => {
    const s = initialTargetState();
    expect(chooseTarget(s, voters, -1, 0)).toBe(1);
    redirected(s, 3);
    expect(chooseTarget(s, voters, -1, 1)).toBe(3);
    redirected(s, 3);
    expect(chooseTarget(s, voters, -1, 2)).toBe(3);
    redirected(s, -1); // nobody known: round the voter list
    expect(chooseTarget(s, voters, -1, 3)).toBe(2);
  });

  it('when every voter is cooling off, asks the one whose cool-off ends first', () => {
    const s = initialTargetState();
    unreachable(s, 1, 0, 300);
    unreachable(s, 2, 0, 100);
    unreachable(s, 3, 0, 200);
    expect(chooseTarget(s, voters, -1, 50)).toBe(2);
  });
});

describe('heartbeatTiming', () => {
  it('fits several attempts into one session, at least one heartbeat interval each', () => {
    expect(heartbeatTiming(250, 1500)).toEqual({ rpcTimeoutMs: 500, deadlineMs: 1500 });
    expect(heartbeatTiming(2000, 9000)).toEqual({ rpcTimeoutMs: 3000, deadlineMs: 9000 });
    expect(heartbeatTiming(1000, 1500)).toEqual({ rpcTimeoutMs: 1000, deadlineMs: 1500 });
  });
});

/**
 * A fake voter: BrokerHeartbeat answers as the active controller, answers
 * NOT_CONTROLLER naming `hint`, or never answers (a cut-off controller: the
 * TCP connection is up, the process does not respond).
 */
type Behaviour = { kind: 'active' } | { kind: 'not-controller'; hint: number } | { kind: 'silent' } | { kind: 'slow-once' };

class FakeVoter {
  behaviour: Behaviour = { kind: 'active' };
  heartbeats = 0;
  readonly server = new grpc.Server();
  private readonly held: (() => void)[] = [];

  constructor(readonly id: number) {
    const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<unknown>): void => cb({ code: grpc.status.UNIMPLEMENTED });
    const service = loadControllerProto().gregor.v1.GregorController.service;
    const handlers: Record<string, grpc.UntypedHandleCall> = {};
    for (const name of Object.keys(service)) handlers[name] = unimplemented as grpc.UntypedHandleCall;
    handlers['BrokerHeartbeat'] = ((_call: unknown, cb: grpc.sendUnaryData<unknown>) => {
      this.heartbeats++;
      const b = this.behaviour;
      if (b.kind === 'silent' || b.kind === 'slow-once') {
        if (b.kind === 'slow-once') this.behaviour = { kind: 'active' };
        this.held.push(() => cb({ code: grpc.status.CANCELLED }));
        return;
      }
      if (b.kind === 'not-controller') {
        cb(null, { error: { code: 41, name: 'NOT_CONTROLLER', message: 'NOT_CONTROLLER: not me', retriable: true, leaderHint: b.hint }, controllerId: b.hint });
        return;
      }
      cb(null, { error: null, controllerId: this.id, isCaughtUp: true, isFenced: false, shouldShutdown: false });
    }) as grpc.UntypedHandleCall;
    this.server.addService(service, handlers);
  }

  async bind(): Promise<VoterAddress> {
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))),
    );
    return { id: this.id, host: '127.0.0.1', port };
  }

  stop(): void {
    for (const release of this.held.splice(0)) release();
    this.server.forceShutdown();
  }
}

describe('ControllerClient heartbeats across a controller move (fake voters over gRPC)', () => {
  const voters = new Map<number, FakeVoter>();
  let addresses: VoterAddress[];
  let client: ControllerClient;
  /** What the broker's metadata log says about the active controller. */
  let quorumLeader = 1;

  beforeEach(async () => {
    addresses = [];
    for (const id of [1, 2, 3]) {
      const v = new FakeVoter(id);
      voters.set(id, v);
      addresses.push(await v.bind());
    }
    quorumLeader = 1;
    client = new ControllerClient({ voters: addresses, clusterId: 'test-cluster', quorumLeader: () => quorumLeader });
  });

  afterEach(() => {
    client.close();
    for (const v of voters.values()) v.stop();
    voters.clear();
  });

  const heartbeat = () =>
    client.heartbeat({ brokerId: 7, brokerEpoch: 5, metadataOffset: 5, wantFence: false, wantShutdown: false }, heartbeatTiming(250, 6000));

  it('an attempt stuck on the old, cut-off controller gives way within the session to the one the others name', async () => {
    expect((await heartbeat()).isFenced).toBe(false);
    expect(voters.get(1)!.heartbeats).toBe(1);
    // Node 1 is cut off (its connection stays up, nothing answers); 2 and 3
    // elected 3, and 2 already says so. This node's log has not heard yet.
    voters.get(1)!.behaviour = { kind: 'silent' };
    voters.get(2)!.behaviour = { kind: 'not-controller', hint: 3 };
    voters.get(3)!.behaviour = { kind: 'active' };
    const hb = voters.get(3)!.heartbeats;
    // One heartbeat, deadline one session: the old client spent it all on node 1.
    expect((await heartbeat()).isFenced).toBe(false);
    expect(voters.get(3)!.heartbeats).toBe(hb + 1);
    expect(client.activeControllerGuess).toBe(3);
  });

  it('keeps heartbeating a slow active controller: one detour after a timed-out attempt, then back to it', async () => {
    expect((await heartbeat()).isFenced).toBe(false);
    // Node 1 is still the active controller, the log and the others say so; one answer is too slow.
    voters.get(1)!.behaviour = { kind: 'slow-once' };
    voters.get(2)!.behaviour = { kind: 'not-controller', hint: 1 };
    voters.get(3)!.behaviour = { kind: 'not-controller', hint: 1 };
    expect((await heartbeat()).isFenced).toBe(false);
    expect(voters.get(1)!.heartbeats).toBe(3);
    expect(voters.get(2)!.heartbeats + voters.get(3)!.heartbeats).toBe(1);
  });

  it('goes straight to the controller the quorum names once the log says so, not to the stale guess', async () => {
    expect((await heartbeat()).isFenced).toBe(false);
    voters.get(1)!.behaviour = { kind: 'silent' };
    quorumLeader = 2;
    const before = voters.get(1)!.heartbeats;
    expect((await heartbeat()).isFenced).toBe(false);
    expect(voters.get(2)!.heartbeats).toBe(1);
    expect(voters.get(1)!.heartbeats).toBe(before);
  });
});
