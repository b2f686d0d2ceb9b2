/**
 * Writer micro-benchmark: a Produce-like body (a few header fields, then N
 * partitions each with a records blob) written three ways:
 *   concat  — one small Buffer per field, Buffer.concat at the end (the naive way);
 *   grow    — this Writer with splicing turned off (every blob copied into scratch);
 *   writer  — this Writer as shipped (large blobs spliced in as chunks).
 * Run: pnpm build && node packages/kafka-protocol/bench/dist/writer.js
 */
import { Writer } from '@gregor/kafka-protocol';

function naive(partitions: number, blob: Buffer): Buffer {
  const parts: Buffer[] = [];
  const i16 = (v: number): void => void parts.push(Buffer.from([v >> 8, v & 0xff]));
  const i32 = (v: number): void => {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    parts.push(b);
  };
  const str = (s: string): void => {
    i16(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  i16(-1);
  i16(-1);
  i32(30000);
  i32(1);
  str('bench-topic');
  i32(partitions);
  for (let p = 0; p < partitions; p++) {
    i32(p);
    i32(blob.length);
    parts.push(blob);
  }
  return Buffer.concat(parts);
}

function viaWriter(partitions: number, blob: Buffer, splice: boolean): Buffer[] {
  const w = Writer.frame(splice ? {} : { spliceMinBytes: Infinity });
  w.int16(-1).int16(-1).int32(30000).int32(1).string('bench-topic', false).int32(partitions);
  for (let p = 0; p < partitions; p++) {
    w.int32(p).int32(blob.length);
    w.raw(blob);
  }
  return w.toChunks();
}

function time(label: string, iterations: number, bytesPer: number, f: () => unknown): void {
  for (let i = 0; i < Math.min(iterations, 200); i++) f();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) f();
  const ns = Number(process.hrtime.bigint() - start);
  const mbPerS = (bytesPer * iterations) / (ns / 1e9) / 1e6;
  console.log(JSON.stringify({ case: label, iterations, usPerOp: +(ns / iterations / 1000).toFixed(2), mbPerS: +mbPerS.toFixed(0) }));
}

for (const [partitions, blobBytes] of [
  [1, 1024],
  [10, 16 * 1024],
  [100, 1024],
  [1000, 64],
] as const) {
  const blob = Buffer.alloc(blobBytes, 1);
  const size = naive(partitions, blob).length;
  const iterations = Math.max(200, Math.floor(2e8 / (size + partitions * 200)));
  const label = `${partitions}x${blobBytes}B`;
  time(`concat ${label}`, iterations, size, () => naive(partitions, blob));
  time(`grow ${label}`, iterations, size, () => viaWriter(partitions, blob, false));
  time(`writer ${label}`, iterations, size, () => viaWriter(partitions, blob, true));
}
