import { summarize } from '../src/bench-summary';

describe('bench summary', () => {
  test('min, median and max of each figure per protocol; missing (null) figures are left out', () => {
    const runs = [
      { protocol: 'grpc', produce_rps: 300, consume_rps: 10, produce_cpu_us_per_record_nodes: null },
      { protocol: 'kafka', produce_rps: 500, consume_rps: 20, produce_cpu_us_per_record_nodes: 4 },
      { protocol: 'grpc', produce_rps: 100, consume_rps: 30, produce_cpu_us_per_record_nodes: null },
      { protocol: 'grpc', produce_rps: 200, consume_rps: 20, produce_cpu_us_per_record_nodes: null },
    ];
    const { summary } = summarize(runs);
    expect(summary.runs).toEqual({ grpc: 3, kafka: 1 });
    expect(summary.grpc).toEqual({ produce_rps: [100, 200, 300], consume_rps: [10, 20, 30] });
    expect(summary.kafka).toEqual({ produce_rps: [500, 500, 500], consume_rps: [20, 20, 20], produce_cpu_us_per_record_nodes: [4, 4, 4] });
  });
});
