import { GregorError, silentLogger, type Clock, type TopicPartition } from '@gregor/common';
import { HighWatermarkCache, planLeaderQueries } from '../src/coordinator/high-watermark-cache';
import { decodeLatestOffsets, type LatestOffsetAnswer, type LatestOffsetsClient } from '../src/coordinator/latest-offsets-client';
import { RemoteHighWatermarks } from '../src/coordinator/remote-high-watermarks';

class FakeClock implements Clock {
  ms = 1000;
  nowMs(): number {
    return this.ms;
  }
  monotonicMs(): number {
    return this.ms;
  }
}

describe('HighWatermarkCache', () => {
  const make = (clock: Clock, maxKeys = 3) => new HighWatermarkCache({ maxKeys, staleAfterMs: 300, forgetAfterMs: 1000, clock });

  it('answers nothing until a value is recorded, and only for partitions that were wanted', () => {
    const clock = new FakeClock();
    const cache = make(clock);
    expect(cache.record('t', 0, 5n, clock.ms)).toBe(false);
    expect(cache.get('t', 0)).toBeUndefined();
    expect(cache.wanted()).toEqual([{ topic: 't', partition: 0 }]);
    expect(cache.record('t', 0, 5n, clock.ms)).toBe(true);
    expect(cache.get('t', 0)).toBe(5n);
    expect(cache.get('t', 1)).toBeUndefined();
  });

  it('a value older than the staleness bound reads as unknown until a fresh one arrives', () => {
    const clock = new FakeClock();
    const cache = make(clock);
    cache.get('t', 0);
    cache.record('t', 0, 7n, clock.ms);
    clock.ms += 300;
    expect(cache.get('t', 0)).toBe(7n);
    clock.ms += 1;
    expect(cache.get('t', 0)).toBeUndefined();
    // Staleness counts from when the question was asked, not when the answer came.
    cache.record('t', 0, 9n, clock.ms - 250);
    expect(cache.get('t', 0)).toBe(9n);
    clock.ms += 51;
    expect(cache.get('t', 0)).toBeUndefined();
  });

  it('an answer to an older question does not overwrite a newer one', () => {
    const clock = new FakeClock();
    const cache = make(clock);
    cache.get('t', 0);
    cache.record('t', 0, 20n, clock.ms);
    expect(cache.record('t', 0, 10n, clock.ms - 5)).toBe(false);
    expect(cache.get('t', 0)).toBe(20n);
  });

  it('tracks at most maxKeys partitions; refused ones are counted; forgetting unwanted ones makes room', () => {
    const clock = new FakeClock();
    const cache = make(clock, 3);
    for (let p = 0; p < 5; p++) cache.get('t', p);
    expect(cache.size).toBe(3);
    expect(cache.wanted().map((tp) => tp.partition)).toEqual([0, 1, 2]);
    expect(cache.record('t', 4, 1n, clock.ms)).toBe(false);
    expect(cache.takeRefusedCount()).toBe(2);
    expect(cache.takeRefusedCount()).toBe(0);

    // Partition 0 keeps being asked for; 1 and 2 are not.
    clock.ms += 600;
    cache.get('t', 0);
    clock.ms += 401;
    expect(cache.forgetUnwanted()).toBe(2);
    expect(cache.wanted()).toEqual([{ topic: 't', partition: 0 }]);
    cache.get('t', 4);
    expect(cache.wanted().map((tp) => tp.partition)).toEqual([0, 4]);
  });
});

describe('planLeaderQueries', () => {
  const leaders: Record<string, number> = { 'a-0': 2, 'a-1': 3, 'b-0': 2, 'b-1': 1, 'c-0': -1, 'd-0': 4 };
  const leaderOf = (topic: string, partition: number): number | undefined => leaders[`${topic}-${partition}`];
  const address = (id: number): string | undefined => (id === 4 ? undefined : `host-${id}:9092`);

  it('one query per leader with every wanted partition it leads; skips self, leaderless, unknown and unreachable', () => {
    const wanted: TopicPartition[] = ['a-0', 'a-1', 'b-0', 'b-1', 'c-0', 'd-0', 'gone-0'].map((k) => {
      const i = k.lastIndexOf('-');
      return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
    });
    expect(planLeaderQueries(wanted, 1, leaderOf, address)).toEqual({
      queries: [
        { leaderId: 2, address: 'host-2:9092', partitions: [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }] },
        { leaderId: 3, address: 'host-3:9092', partitions: [{ topic: 'a', partition: 1 }] },
      ],
      skipped: 4,
    });
  });
});

describe('decodeLatestOffsets', () => {
  it('turns int64 strings into bigint and wire errors into GregorErrors per partition', () => {
    const answers = decodeLatestOffsets({
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, error: null, timestamp: '-1', offset: '9007199254740993', leaderEpoch: 3 },
            { partition: 1, error: { code: 6, name: 'NOT_LEADER_OR_FOLLOWER', message: 'NOT_LEADER_OR_FOLLOWER: moved', retriable: true }, timestamp: '-1', offset: '-1', leaderEpoch: -1 },
            { partition: 2, error: { code: 0, name: 'NONE', message: '', retriable: false }, timestamp: '-1', offset: '4', leaderEpoch: 3 },
          ],
        },
      ],
    });
    expect(answers[0]).toEqual({ topic: 't', partition: 0, highWatermark: 9007199254740993n });
    expect(answers[1]!.error).toBeInstanceOf(GregorError);
    expect(answers[1]!.error).toMatchObject({ errorName: 'NOT_LEADER_OR_FOLLOWER', message: 'NOT_LEADER_OR_FOLLOWER: moved', context: { topic: 't', partition: 1 } });
    expect(answers[2]).toEqual({ topic: 't', partition: 2, highWatermark: 4n });
  });
});

/** Leaders scripted per address: a high watermark per partition, or a failure. */
class ScriptedLeaders {
  readonly hws = new Map<string, bigint>();
  failing = new Set<string>();
  refusing = new Set<string>();
  readonly calls: { address: string; partitions: TopicPartition[]; timeoutMs: number }[] = [];
  readonly opened: string[] = [];
  readonly closed: string[] = [];

  factory = (address: string): LatestOffsetsClient => {
    this.opened.push(address);
    return {
      latestOffsets: async (partitions, timeoutMs) => {
        this.calls.push({ address, partitions: [...partitions], timeoutMs });
        if (this.failing.has(address)) throw new GregorError('NETWORK_EXCEPTION', `${address} is down`);
        return partitions.map((tp): LatestOffsetAnswer => {
          const key = `${tp.topic}-${tp.partition}`;
          if (this.refusing.has(key)) return { ...tp, error: new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved', { ...tp }) };
          return { ...tp, highWatermark: this.hws.get(key) ?? 0n };
        });
      },
      close: () => {
        this.closed.push(address);
      },
    };
  };
}

describe('RemoteHighWatermarks', () => {
  const setUp = () => {
    const clock = new FakeClock();
    const leaders = new ScriptedLeaders();
    const leaderOf = new Map<string, number>([
      ['t-0', 2],
      ['t-1', 3],
      ['t-2', 2],
      ['t-3', 1],
    ]);
    const ports = new Map<number, number>([
      [2, 9002],
      [3, 9003],
    ]);
    const remote = new RemoteHighWatermarks({
      selfId: 1,
      refreshIntervalMs: 100,
      leaderOf: (t, p) => leaderOf.get(`${t}-${p}`),
      leaderAddress: (id) => (ports.has(id) ? `127.0.0.1:${ports.get(id)}` : undefined),
      clock,
      logger: silentLogger(),
      clientFactory: leaders.factory,
    });
    return { clock, leaders, leaderOf, ports, remote };
  };

  it('asks each leader once per refresh, with a deadline, for the partitions the scrape wanted', async () => {
    const { leaders, remote } = setUp();
    leaders.hws.set('t-0', 10n).set('t-1', 20n).set('t-2', 30n);
    for (let p = 0; p < 4; p++) expect(remote.get('t', p)).toBeUndefined();
    expect(await remote.refresh()).toBe(3);
    expect(leaders.calls.map((c) => [c.address, c.partitions.map((tp) => tp.partition)])).toEqual([
      ['127.0.0.1:9002', [0, 2]],
      ['127.0.0.1:9003', [1]],
    ]);
    expect(leaders.calls.every((c) => c.timeoutMs > 0 && c.timeoutMs <= 100)).toBe(true);
    expect([0, 1, 2, 3].map((p) => remote.get('t', p))).toEqual([10n, 20n, 30n, undefined]);
    // The clients are kept for the next refresh.
    leaders.hws.set('t-0', 11n);
    await remote.refresh();
    expect(remote.get('t', 0)).toBe(11n);
    expect(leaders.opened).toEqual(['127.0.0.1:9002', '127.0.0.1:9003']);
  });

  it('a leader that fails, or refuses a partition, leaves the old value to go stale after 3× the interval', async () => {
    const { clock, leaders, remote } = setUp();
    leaders.hws.set('t-0', 10n).set('t-1', 20n);
    remote.get('t', 0);
    remote.get('t', 1);
    await remote.refresh();
    leaders.failing.add('127.0.0.1:9002');
    leaders.refusing.add('t-1');
    leaders.hws.set('t-0', 99n).set('t-1', 99n);
    clock.ms += 200;
    expect(await remote.refresh()).toBe(0);
    expect(remote.get('t', 0)).toBe(10n);
    expect(remote.get('t', 1)).toBe(20n);
    clock.ms += 101;
    expect(remote.get('t', 0)).toBeUndefined();
    expect(remote.get('t', 1)).toBeUndefined();
    leaders.failing.clear();
    leaders.refusing.clear();
    expect(await remote.refresh()).toBe(2);
    expect(remote.get('t', 0)).toBe(99n);
  });

  it('follows leadership and addresses: a client no longer used is closed, a moved broker gets a new one', async () => {
    const { leaders, leaderOf, ports, remote } = setUp();
    leaders.hws.set('t-0', 10n).set('t-1', 20n);
    remote.get('t', 0);
    remote.get('t', 1);
    await remote.refresh();
    leaderOf.set('t-1', 2); // 3 leads nothing wanted now
    ports.set(2, 9102); // and 2 restarted on another port
    await remote.refresh();
    expect(leaders.closed.sort()).toEqual(['127.0.0.1:9002', '127.0.0.1:9003']);
    expect(leaders.calls.at(-1)).toMatchObject({ address: '127.0.0.1:9102', partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }] });
    // Leadership moved here: the broker answers from its own log, nobody is asked.
    leaderOf.set('t-0', 1).set('t-1', 1);
    const before = leaders.calls.length;
    await remote.refresh();
    expect(leaders.calls.length).toBe(before);
  });

  it('concurrent refreshes share one run; after close nothing is asked and every client is closed', async () => {
    const { leaders, remote } = setUp();
    remote.get('t', 0);
    const [a, b] = await Promise.all([remote.refresh(), remote.refresh()]);
    expect([a, b]).toEqual([1, 1]);
    expect(leaders.calls).toHaveLength(1);
    remote.close();
    expect(leaders.closed).toEqual(['127.0.0.1:9002']);
    expect(await remote.refresh()).toBe(0);
    expect(leaders.calls).toHaveLength(1);
  });

  it('tracks at most maxPartitions', async () => {
    const { leaders } = setUp();
    const remote = new RemoteHighWatermarks({
      selfId: 1,
      refreshIntervalMs: 100,
      leaderOf: () => 2,
      leaderAddress: () => 'h:1',
      clock: new FakeClock(),
      logger: silentLogger(),
      maxPartitions: 5,
      clientFactory: leaders.factory,
    });
    for (let p = 0; p < 50; p++) remote.get('big', p);
    expect(remote.size).toBe(5);
    await remote.refresh();
    expect(leaders.calls[0]!.partitions).toHaveLength(5);
  });

  it('refuses a refresh interval that is not a positive integer (a 0 ms timer would spin)', () => {
    const base = { selfId: 1, leaderOf: () => 2, leaderAddress: () => 'h:1', clock: new FakeClock(), logger: silentLogger() };
    expect(() => new RemoteHighWatermarks({ ...base, refreshIntervalMs: 0 })).toThrow(/INVALID_CONFIG/);
    expect(() => new RemoteHighWatermarks({ ...base, refreshIntervalMs: 1.5 })).toThrow(/INVALID_CONFIG/);
  });
});
