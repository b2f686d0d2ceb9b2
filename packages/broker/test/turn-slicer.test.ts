import { TurnSlicer } from '../src/replica/turn-slicer';

/** A scheduler the test runs by hand: each `turn()` is one event-loop turn. */
function manualTurns(): { schedule: (run: () => void) => void; pending: () => number; turn: () => Promise<void> } {
  const queue: (() => void)[] = [];
  return {
    schedule: (run) => void queue.push(run),
    pending: () => queue.length,
    turn: async () => {
      const runs = queue.splice(0);
      for (const r of runs) r();
      // Let the continuations of the callers released this turn run (they are microtasks).
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

describe('TurnSlicer', () => {
  it('lets perTurn callers through per turn, the rest in arrival order in later turns', async () => {
    const turns = manualTurns();
    const slicer = new TurnSlicer(3, turns.schedule);
    const ran: number[] = [];
    for (let i = 0; i < 8; i++) void slicer.pass().then(() => ran.push(i));
    await Promise.resolve();
    await Promise.resolve();
    expect(ran).toEqual([0, 1, 2]);
    expect(slicer.queued()).toBe(5);
    await turns.turn();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
    await turns.turn();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(slicer.queued()).toBe(0);
  });

  it('does not let a newcomer overtake callers already waiting', async () => {
    const turns = manualTurns();
    const slicer = new TurnSlicer(2, turns.schedule);
    const ran: string[] = [];
    for (const n of ['a', 'b', 'c']) void slicer.pass().then(() => ran.push(n));
    await turns.turn(); // releases c (1 of 2 this turn)
    // The turn still has room but nobody waits: a newcomer goes now.
    void slicer.pass().then(() => ran.push('d'));
    for (const n of ['e', 'f']) void slicer.pass().then(() => ran.push(n));
    await Promise.resolve();
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    await turns.turn();
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('starts every burst with a full turn and stops scheduling once idle', async () => {
    const turns = manualTurns();
    const slicer = new TurnSlicer(2, turns.schedule);
    await slicer.pass();
    await slicer.pass();
    expect(turns.pending()).toBe(1);
    await turns.turn(); // the reset; nobody waited
    expect(turns.pending()).toBe(0);
    const ran: number[] = [];
    for (let i = 0; i < 2; i++) void slicer.pass().then(() => ran.push(i));
    await Promise.resolve();
    expect(ran).toEqual([0, 1]);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new TurnSlicer(0)).toThrow(RangeError);
    expect(() => new TurnSlicer(1.5)).toThrow(RangeError);
  });
});

describe('TurnSlicer urgent callers', () => {
  it('releases waiting urgent callers before waiting normal ones, each kind in arrival order', async () => {
    const turns = manualTurns();
    const slicer = new TurnSlicer(2, turns.schedule);
    const ran: string[] = [];
    for (const n of ['a', 'b', 'c', 'd']) void slicer.pass().then(() => ran.push(n));
    for (const n of ['X', 'Y', 'Z']) void slicer.pass(true).then(() => ran.push(n));
    await Promise.resolve();
    expect(ran).toEqual(['a', 'b']);
    await turns.turn();
    expect(ran).toEqual(['a', 'b', 'X', 'Y']);
    await turns.turn();
    expect(ran).toEqual(['a', 'b', 'X', 'Y', 'Z', 'c']);
    await turns.turn();
    expect(ran).toEqual(['a', 'b', 'X', 'Y', 'Z', 'c', 'd']);
  });

  it('lets an urgent newcomer through at once while only normal callers wait and the turn has room', async () => {
    const turns = manualTurns();
    const slicer = new TurnSlicer(3, turns.schedule);
    const ran: string[] = [];
    for (const n of ['a', 'b', 'c', 'd']) void slicer.pass().then(() => ran.push(n));
    await turns.turn(); // d goes (1 of 3)
    void slicer.pass().then(() => ran.push('e')); // nobody waits: goes now
    void slicer.pass(true).then(() => ran.push('U')); // room left: goes now
    await Promise.resolve();
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e', 'U']);
    expect(slicer.queued()).toBe(0);
  });
});
