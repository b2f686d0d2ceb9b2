/**
 * `pnpm -s bench:records-codec [--records N] [--record-size B]`: CPU time per
 * record of gregor.v1.Records' hot messages, proto-loader's codec beside the
 * hand-placed one (`@gregor/proto` records-codec.ts), in this process — one
 * JSON line per message. CPU time rather than wall time, so a busy machine
 * moves the figures less. Not a test: no thresholds.
 */
import {
  decodePublishRequest,
  decodeSubscribeRequest,
  decodeSubscribeResponse,
  encodePublishResponse,
  encodeSubscribeAcks,
  encodeSubscribeRecords,
  loadRecordsProto,
  type RecordsWireRecord,
} from '@gregor/proto';
import { intFlag, parseFlags } from './args';

const flags = parseFlags({ records: { type: 'string', default: '10000' }, 'record-size': { type: 'string', default: '100' } });
const count = intFlag('records', flags.records, 1);
const recordSize = intFlag('record-size', flags['record-size'], 0);

const slow = loadRecordsProto().gregor.v1.Records.service;
const subscribe = slow['Subscribe']!;
const publish = slow['Publish']!;

/** Microseconds of CPU per record for `fn`, which handles `count` records, over enough rounds to take ~0.5 s. */
function cpuPerRecord(fn: () => unknown): number {
  fn(); // warm up
  const cpu = (): number => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  let rounds = 0;
  const start = cpu();
  while (cpu() - start < 500_000 || rounds < 3) {
    fn();
    rounds++;
  }
  return (cpu() - start) / rounds / count;
}

function report(message: string, side: string, slowFn: () => unknown, fastFn: () => unknown): void {
  const protoLoader = cpuPerRecord(slowFn);
  const handPlaced = cpuPerRecord(fastFn);
  const line = { message, side, records: count, record_size: recordSize, proto_loader_us_per_record: round(protoLoader), hand_placed_us_per_record: round(handPlaced) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
const round = (v: number): number => Number(v.toFixed(3));

const value = Buffer.alloc(recordSize, 1);
// Six partitions in runs, as a stream pushes them (a consumer's fetched chunk per partition) and a subscriber acks them.
const perPartition = Math.ceil(count / 6);
const records: RecordsWireRecord[] = Array.from({ length: count }, (_, i) => ({
  topic: 'bench-records',
  partition: Math.floor(i / perPartition),
  offset: BigInt(1_000_000 + (i % perPartition)),
  key: null,
  value,
  headers: [],
  timestamp: 1_765_000_000_000n,
}));
const attempts = records.map(() => 1);
const pushed = encodeSubscribeRecords(records, attempts);
const acks = records.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.offset }));
// The SDK sends acks as ranges (coalesceAcks); a generated client may send them one by one.
const ackBytes = encodeSubscribeAcks(acks);
const singleAckBytes = subscribe.requestSerialize({ ack: { acks: acks.map((a) => ({ topic: a.topic, partition: a.partition, offset: a.offset.toString() })) } });
const publishBytes = publish.requestSerialize({ topic: 'bench-records', acks: 'PUBLISH_ACKS_ALL', records: records.map(() => ({ value })) });
const results = { results: records.map((r) => ({ partition: r.partition, offset: Number(r.offset), timestampMs: Number(r.timestamp) })) };

report(
  'SubscribeResponse records',
  'node encodes',
  () =>
    subscribe.responseSerialize({
      records: { records: records.map((r) => ({ topic: r.topic, partition: r.partition, offset: Number(r.offset), value: r.value!, headers: [], timestampMs: Number(r.timestamp), deliveryAttempt: 1 })) },
    }),
  () => encodeSubscribeRecords(records, attempts),
);
report('SubscribeResponse records', 'SDK decodes', () => subscribe.responseDeserialize(pushed), () => decodeSubscribeResponse(pushed, subscribe.responseDeserialize));
report(
  'SubscribeRequest acks',
  'SDK encodes (proto-loader: one by one; hand-placed: as ranges)',
  () => subscribe.requestSerialize({ ack: { acks: acks.map((a) => ({ topic: a.topic, partition: a.partition, offset: a.offset.toString() })) } }),
  () => encodeSubscribeAcks(acks),
);
report(
  'SubscribeRequest acks',
  'node decodes (offsets to bigint; hand-placed: the SDK\'s ranges)',
  () => {
    const m = subscribe.requestDeserialize(singleAckBytes) as { ack: { acks: { offset: string }[] } };
    for (const a of m.ack.acks) BigInt(a.offset);
  },
  () => decodeSubscribeRequest(ackBytes, subscribe.requestDeserialize),
);
report(
  'SubscribeRequest acks',
  'node decodes one-by-one acks (a generated client\'s) by hand',
  () => {
    const m = subscribe.requestDeserialize(singleAckBytes) as { ack: { acks: { offset: string }[] } };
    for (const a of m.ack.acks) BigInt(a.offset);
  },
  () => decodeSubscribeRequest(singleAckBytes, subscribe.requestDeserialize),
);
report('PublishRequest', 'node decodes', () => publish.requestDeserialize(publishBytes), () => decodePublishRequest(publishBytes));
report('PublishResponse', 'node encodes', () => publish.responseSerialize(results), () => encodePublishResponse(results));
