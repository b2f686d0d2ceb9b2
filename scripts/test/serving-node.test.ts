import { observeServing, recordsOutOf } from '../src/serving-node';

describe('recordsOutOf', () => {
  test('sums gregor_records_out_total of the topic and ignores other topics and metrics', () => {
    const page = [
      '# HELP gregor_records_out_total Records fetched by consumers, per topic',
      '# TYPE gregor_records_out_total counter',
      'gregor_records_out_total{topic="counter",node="2"} 41',
      'gregor_records_out_total{topic="counter-2",node="2"} 7',
      'gregor_records_in_total{topic="counter",node="2"} 99',
      'gregor_records_out_total{node="2",topic="counter"} 1',
    ].join('\n');
    expect(recordsOutOf(page, 'counter')).toBe(42);
    expect(recordsOutOf(page, 'absent')).toBe(0);
  });
});

describe('observeServing', () => {
  test('the first look is a baseline; then the nodes whose counter grew served records', () => {
    const first = observeServing(new Map(), new Map([[1, 0], [2, 10], [3, 0]]));
    expect(first.observation).toEqual({ grew: [], unreachable: [] });
    const second = observeServing(first.next, new Map([[1, 0], [2, 15], [3, 0]]));
    expect(second.observation).toEqual({ grew: [2], unreachable: [] });
  });

  test('an unreachable node keeps its count; after a restart its reset counter is a baseline, not growth', () => {
    const before = new Map([[1, 5], [2, 30]]);
    const down = observeServing(before, new Map<number, number | undefined>([[1, 9], [2, undefined]]));
    expect(down.observation).toEqual({ grew: [1], unreachable: [2] });
    expect(down.next.get(2)).toBe(30);
    const restarted = observeServing(down.next, new Map([[1, 9], [2, 0]]));
    expect(restarted.observation).toEqual({ grew: [], unreachable: [] });
    const servingAgain = observeServing(restarted.next, new Map([[1, 9], [2, 3]]));
    expect(servingAgain.observation.grew).toEqual([2]);
  });
});
