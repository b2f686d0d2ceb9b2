import { seriesShape } from '../src/bench-summary';
import { metricSum, parseMetrics } from '../src/node-metrics';
import { nodeArgsFlag } from '../src/args';

describe('soak and partitions bench helpers', () => {
  test('a series is summarised by its first, median, max and last values, nulls left out', () => {
    expect(seriesShape([300, null, 420, 410, 400])).toEqual({ first: 300, median: 400, max: 420, last: 400 });
    expect(seriesShape([null])).toBeNull();
  });

  test('Prometheus text is parsed into labelled samples and summed by label subset', () => {
    const samples = parseMetrics(
      [
        '# HELP gregor_memory_bytes Memory held now',
        '# TYPE gregor_memory_bytes gauge',
        'gregor_memory_bytes{component="tail_cache",node="1"} 67108864',
        'gregor_memory_bytes{component="leveldb",node="1"} 1.5e+7',
        'gregor_partitions{node="1"} 2000',
      ].join('\n'),
    );
    expect(samples).toHaveLength(3);
    expect(samples[0]).toEqual({ name: 'gregor_memory_bytes', labels: { component: 'tail_cache', node: '1' }, value: 67108864 });
    expect(metricSum(samples, 'gregor_memory_bytes')).toBe(67108864 + 15_000_000);
    expect(metricSum(samples, 'gregor_memory_bytes', { component: 'leveldb' })).toBe(15_000_000);
    expect(metricSum(samples, 'gregor_partitions')).toBe(2000);
    expect(metricSum(samples, 'missing')).toBe(0);
  });

  test('--node-args splits on whitespace', () => {
    expect(nodeArgsFlag(' --a  --b=1 ')).toEqual(['--a', '--b=1']);
    expect(nodeArgsFlag(undefined)).toEqual([]);
  });
});
