import fc from 'fast-check';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../src/varint';

/** Zigzag varints as protobuf's sint32/sint64 and Kafka's ByteUtils define them, worked out by hand. */
const VARINTS: [number, string][] = [
  [0, '00'],
  [-1, '01'],
  [1, '02'],
  [63, '7e'],
  [-64, '7f'],
  [64, '8001'],
  [-65, '8101'],
  [8191, 'fe7f'],
  [-8192, 'ff7f'],
  [8192, '808001'],
  [2147483647, 'feffffff0f'],
  [-2147483648, 'ffffffff0f'],
];
const VARLONGS: [bigint, string][] = [
  [0n, '00'],
  [-1n, '01'],
  [300n, 'd804'],
  [2147483648n, '8080808010'],
  [-2147483649n, '8180808010'],
  [2n ** 63n - 1n, 'feffffffffffffffff01'],
  [-(2n ** 63n), 'ffffffffffffffffff01'],
];

function encodeVarint(v: number): string {
  const buf = Buffer.alloc(5);
  const end = writeVarint(buf, 0, v);
  expect(end).toBe(sizeOfVarint(v));
  return buf.subarray(0, end).toString('hex');
}
function encodeVarlong(v: bigint): string {
  const buf = Buffer.alloc(10);
  const end = writeVarlong(buf, 0, v);
  expect(end).toBe(sizeOfVarlong(v));
  return buf.subarray(0, end).toString('hex');
}

/** A naive reference: zigzag in bigint, then 7-bit groups. */
function naive(v: bigint): string {
  let u = v >= 0n ? v * 2n : -v * 2n - 1n;
  const out: number[] = [];
  do {
    const low = Number(u % 128n);
    u /= 128n;
    out.push(u > 0n ? low | 0x80 : low);
  } while (u > 0n);
  return Buffer.from(out).toString('hex');
}

describe('varints', () => {
  it.each(VARINTS)('varint %d is %s', (value, hex) => {
    expect(encodeVarint(value)).toBe(hex);
    expect(encodeVarlong(BigInt(value))).toBe(hex);
  });

  it.each(VARLONGS)('varlong %s is %s', (value, hex) => {
    expect(encodeVarlong(value)).toBe(hex);
  });

  it('match a naive zigzag encoder for every int32 and int64', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (v) => {
        expect(encodeVarint(v)).toBe(naive(BigInt(v)));
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        expect(encodeVarlong(v)).toBe(naive(v));
      }),
    );
  });
});
