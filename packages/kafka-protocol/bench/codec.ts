/**
 * Codec micro-benchmark for the data path: decoding Produce requests and
 * encoding Fetch responses (records are passed through as views/chunks, so
 * the cost is the per-partition fields, not the record bytes).
 * Run: pnpm build && node packages/kafka-protocol/bench/dist/codec.js
 */
import { FETCH_API, PRODUCE_API, Reader, decodeRequestBody, encodeRequestFrame, encodeResponseFrame, peekRequestHeader } from '@gregor/kafka-protocol';

function time(label: string, iterations: number, bytesPer: number, f: () => unknown): void {
  for (let i = 0; i < Math.min(iterations, 500); i++) f();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) f();
  const ns = Number(process.hrtime.bigint() - start);
  console.log(
    JSON.stringify({ case: label, iterations, usPerOp: +(ns / iterations / 1000).toFixed(2), mbPerS: +((bytesPer * iterations) / (ns / 1e9) / 1e6).toFixed(0) }),
  );
}

for (const [partitions, recordBytes] of [
  [1, 1024],
  [10, 16 * 1024],
  [1000, 100],
] as const) {
  const records = Buffer.alloc(recordBytes, 1);
  const label = `${partitions}x${recordBytes}B`;
  for (const version of [3, 9]) {
    const produce = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'bench-topic', partitionData: Array.from({ length: partitions }, (_, index) => ({ index, records })) }],
    };
    const frame = Buffer.concat(encodeRequestFrame(PRODUCE_API, version, { correlationId: 1, clientId: 'bench' }, produce)).subarray(4);
    const iterations = Math.max(500, Math.floor(3e4 / partitions));
    time(`produce v${version} request decode ${label}`, iterations, frame.length, () => decodeRequestBody(PRODUCE_API, peekRequestHeader(frame), frame));
  }
  for (const version of [4, 12]) {
    const fetch = {
      responses: [
        {
          topic: 'bench-topic',
          partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, highWatermark: 100n, lastStableOffset: 100n, logStartOffset: 0n, records })),
        },
      ],
    };
    const chunks = encodeResponseFrame(FETCH_API, version, 1, fetch);
    const size = chunks.reduce((n, c) => n + c.length, 0);
    const iterations = Math.max(500, Math.floor(3e4 / partitions));
    time(`fetch v${version} response encode ${label}`, iterations, size, () => encodeResponseFrame(FETCH_API, version, 1, fetch));
    const body = Buffer.concat(chunks).subarray(4 + (version >= 12 ? 5 : 4));
    time(`fetch v${version} response decode ${label}`, iterations, size, () => FETCH_API.decodeResponse(new Reader(body), version));
  }
}
