/**
 * Random topologies' pure parts through the TopologyTestDriver against a
 * naive model (arrays and a Map): a chain of stateless operators, then
 * either a sink or a grouped sum. With caching off every update reaches
 * the output, so the whole output sequence must equal the model's; with
 * caching on, the final value per key must.
 */
import fc from 'fast-check';
import { Serdes, StreamsBuilder, TopologyTestDriver, type KStream } from '../src';

type Rec = { key: string; value: number };

/** One operator: how to add it to a KStream, and what it does to a list of records. */
interface Op {
  name: string;
  apply(s: KStream<string, number>): KStream<string, number>;
  model(rs: Rec[]): Rec[];
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 2, max: 4 }).map((m): Op => ({
    name: `filter(v%${m}!=0)`,
    apply: (s) => s.filter((_k, v) => v % m !== 0),
    model: (rs) => rs.filter((r) => r.value % m !== 0),
  })),
  fc.integer({ min: -3, max: 3 }).map((a): Op => ({
    name: `mapValues(v+${a})`,
    apply: (s) => s.mapValues((v) => v + a),
    model: (rs) => rs.map((r) => ({ key: r.key, value: r.value + a })),
  })),
  fc.constant<Op>({
    name: 'flatMapValues(v%3 copies)',
    apply: (s) => s.flatMapValues((v) => Array.from({ length: ((v % 3) + 3) % 3 }, () => v)),
    model: (rs) => rs.flatMap((r) => Array.from({ length: ((r.value % 3) + 3) % 3 }, () => r)),
  }),
  fc.constant<Op>({
    name: 'selectKey(k+parity)',
    apply: (s) => s.selectKey((k, v) => `${k}${Math.abs(v) % 2}`),
    model: (rs) => rs.map((r) => ({ key: `${r.key}${Math.abs(r.value) % 2}`, value: r.value })),
  }),
  fc.constant<Op>({
    name: 'map(swap-ish)',
    apply: (s) => s.map((k, v) => ({ key: `m${Math.abs(v) % 3}`, value: v * 2 + k.length })),
    model: (rs) => rs.map((r) => ({ key: `m${Math.abs(r.value) % 3}`, value: r.value * 2 + r.key.length })),
  }),
);

const recArb = fc.record({ key: fc.constantFrom('a', 'b', 'c'), value: fc.integer({ min: -20, max: 20 }) });
const S = Serdes.String();
const I = Serdes.Int32();

function run(ops: Op[], input: Rec[], sum: boolean, cacheMaxEntries: number): Rec[] {
  const b = new StreamsBuilder();
  let s: KStream<string, number> = b.stream<string, number>('in', { keySerde: S, valueSerde: I });
  for (const op of ops) s = op.apply(s);
  if (sum) s = s.groupByKey({ keySerde: S, valueSerde: I }).reduce((x, y) => x + y, { valueSerde: I }).toStream() as KStream<string, number>;
  s.to('out', { keySerde: S, valueSerde: I });
  const driver = new TopologyTestDriver(b.build(), { cacheMaxEntries });
  const topic = driver.createInputTopic('in', S, I);
  for (const r of input) topic.pipeInput(r.key, r.value);
  return driver.createOutputTopic('out', S, I).readKeyValuesToList() as Rec[];
}

/** The model, record by record, so a grouped sum's output is the running sum after each contributing record. */
function model(ops: Op[], input: Rec[], sum: boolean): Rec[] {
  const out: Rec[] = [];
  const sums = new Map<string, number>();
  for (const r of input) {
    const rs = ops.reduce((acc, op) => op.model(acc), [r]);
    for (const x of rs) {
      if (!sum) out.push(x);
      else {
        sums.set(x.key, (sums.get(x.key) ?? 0) + x.value);
        out.push({ key: x.key, value: sums.get(x.key)! });
      }
    }
  }
  return out;
}

const lastPerKey = (rs: Rec[]): Map<string, number> => new Map(rs.map((r) => [r.key, r.value]));

describe('random topologies against a naive model', () => {
  it('property: without caching the output sequence equals the model', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 5 }), fc.array(recArb, { maxLength: 30 }), fc.boolean(), (ops, input, sum) => {
        expect(run(ops, input, sum, 0)).toEqual(model(ops, input, sum));
      }),
      { numRuns: 150 },
    );
  });

  it('property: with caching the final value per key equals the model', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 5 }), fc.array(recArb, { maxLength: 30 }), (ops, input) => {
        expect(lastPerKey(run(ops, input, true, 2))).toEqual(lastPerKey(model(ops, input, true)));
      }),
      { numRuns: 150 },
    );
  });
});
