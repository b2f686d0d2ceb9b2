import fc from 'fast-check';
import { KafkaProtocolError, Reader, SPLICE_MIN_BYTES, Writer } from '@gregor/kafka-protocol';

function hex(b: Buffer): string {
  return b.toString('hex');
}

function written(f: (w: Writer) => void): Buffer {
  const w = new Writer({ initialCapacityBytes: 16 });
  f(w);
  return w.toBuffer();
}

describe('Writer and Reader byte layouts (kafka.apache.org/protocol#protocol_types)', () => {
  test('fixed-width integers are big-endian', () => {
    expect(hex(written((w) => w.int8(-1).int16(0x0102).int32(-2).int64(0x0102030405060708n)))).toBe(
      'ff' + '0102' + 'fffffffe' + '0102030405060708',
    );
    expect(hex(written((w) => w.uint16(0xfffe).uint32(0xfffffffe).float64(1.5).bool(true)))).toBe(
      'fffe' + 'fffffffe' + '3ff8000000000000' + '01',
    );
  });

  test('int64 at the edges of the 53-bit fast path and of the type agrees with Buffer\'s bigint codec', () => {
    const edges = [0n, -1n, 2n ** 32n, -(2n ** 32n) - 1n, 2n ** 53n - 1n, -(2n ** 53n), 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (const v of edges) {
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(v);
      const got = written((w) => w.int64(v));
      expect(hex(got)).toBe(hex(expected));
      expect(new Reader(expected).int64()).toBe(v);
    }
  });

  test('unsigned varints: 7 bits a byte, low group first', () => {
    expect(hex(written((w) => w.uvarint(0)))).toBe('00');
    expect(hex(written((w) => w.uvarint(127)))).toBe('7f');
    expect(hex(written((w) => w.uvarint(300)))).toBe('ac02');
    expect(hex(written((w) => w.uvarint(0xffffffff)))).toBe('ffffffff0f');
  });

  test('signed varints and varlongs are zigzag-encoded', () => {
    expect(hex(written((w) => w.varint(0).varint(-1).varint(1).varint(-2)))).toBe('00010203');
    expect(hex(written((w) => w.varlong(-1n).varlong(-(2n ** 63n))))).toBe('01' + 'ffffffffffffffffff01');
  });

  test('classic strings: int16 length, -1 is null; compact strings: uvarint length + 1, 0 is null', () => {
    expect(hex(written((w) => w.string('ab', false).nullableString(null, false)))).toBe('00026162' + 'ffff');
    expect(hex(written((w) => w.string('ab', true).nullableString(null, true).string('', true)))).toBe('036162' + '00' + '01');
  });

  test('classic bytes and arrays: int32 length, -1 is null; compact: uvarint length + 1', () => {
    const b = Buffer.from([9, 8]);
    expect(hex(written((w) => w.bytes(b, false).nullableBytes(null, false)))).toBe('000000020908' + 'ffffffff');
    expect(hex(written((w) => w.bytes(b, true).nullableBytes(null, true)))).toBe('030908' + '00');
    const int32s = (w: Writer, v: number): void => void w.int32(v);
    expect(hex(written((w) => w.array([7], false, int32s).nullableArray(null, false, int32s)))).toBe('00000001' + '00000007' + 'ffffffff');
    expect(hex(written((w) => w.array([7], true, int32s).nullableArray(null, true, int32s)))).toBe('02' + '00000007' + '00');
  });

  test('uuid: 16 raw bytes', () => {
    const id = '01234567-89ab-cdef-0123-456789abcdef';
    expect(hex(written((w) => w.uuid(id)))).toBe('0123456789abcdef0123456789abcdef');
    expect(new Reader(written((w) => w.uuid(id))).uuid()).toBe(id);
    expect(() => written((w) => w.uuid('not-a-uuid'))).toThrow(KafkaProtocolError);
  });

  test('tagged fields: count, then tag, size and value each; unknown tags are skipped', () => {
    const w = new Writer();
    w.uvarint(2).taggedField(0, (t) => t.int16(5)).taggedField(7, (t) => t.int32(1)).int8(42);
    const buf = w.toBuffer();
    expect(hex(buf)).toBe('02' + '00020005' + '070400000001' + '2a');
    const r = new Reader(buf);
    const seen: number[] = [];
    r.taggedFields((tag, t) => {
      if (tag !== 0) return;
      seen.push(t.int16());
      expect(() => t.int8()).toThrow(KafkaProtocolError); // bounded to the field's 2 bytes
    });
    expect(seen).toEqual([5]);
    expect(r.int8()).toBe(42);
  });
});

describe('round trips', () => {
  test('every primitive reads back what was written', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: -32768, max: 32767 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.double({ noNaN: true }),
        fc.option(fc.string({ unit: 'grapheme' }), { nil: null }),
        fc.option(fc.uint8Array({ maxLength: 3 * SPLICE_MIN_BYTES }), { nil: null }),
        fc.boolean(),
        (i8, i16, i32, i64, u32, f64, s, bytes, flexible) => {
          const b = bytes === null ? null : Buffer.from(bytes);
          const w = new Writer({ initialCapacityBytes: 8 });
          w.int8(i8).int16(i16).int32(i32).int64(i64).uint32(u32).uvarint(u32).varint(i32).varlong(i64).float64(f64);
          w.nullableString(s, flexible).nullableBytes(b, flexible).int8(i8);
          const buf = w.toBuffer();
          expect(buf.length).toBe(w.length);
          const r = new Reader(buf);
          expect([r.int8(), r.int16(), r.int32(), r.int64(), r.uint32(), r.uvarint(), r.varint(), r.varlong(), r.float64()]).toEqual([
            i8, i16, i32, i64, u32, u32, i32, i64, f64,
          ]);
          expect(r.nullableString(flexible)).toBe(s);
          expect(r.nullableBytes(flexible)).toEqual(b);
          expect(r.int8()).toBe(i8);
          expect(r.remaining).toBe(0);
        },
      ),
    );
  });

  test('large byte strings are spliced in as their own chunk, not copied', () => {
    const big = Buffer.alloc(SPLICE_MIN_BYTES, 7);
    const w = Writer.frame();
    w.int16(1).bytes(big, false).int16(2);
    const chunks = w.toChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    const whole = Buffer.concat(chunks);
    expect(whole.readInt32BE(0)).toBe(whole.length - 4);
    expect(whole.readInt16BE(4 + 2 + 4 + big.length)).toBe(2);
  });

  test('a frame writer fills in its size prefix', () => {
    const frame = Writer.frame({ initialCapacityBytes: 4 }).int32(1).int32(2).int32(3).toBuffer();
    expect(hex(frame)).toBe('0000000c' + '00000001' + '00000002' + '00000003');
  });
});

describe('bad input', () => {
  test('every read of a truncated value throws a truncated KafkaProtocolError, never a RangeError', () => {
    const reads: Array<[string, (r: Reader) => unknown, Buffer]> = [
      ['int16', (r) => r.int16(), Buffer.from('00', 'hex')],
      ['int32', (r) => r.int32(), Buffer.from('000000', 'hex')],
      ['int64', (r) => r.int64(), Buffer.from('00000000000000', 'hex')],
      ['float64', (r) => r.float64(), Buffer.from('00', 'hex')],
      ['uuid', (r) => r.uuid(), Buffer.alloc(15)],
      ['uvarint', (r) => r.uvarint(), Buffer.from('8080', 'hex')],
      ['varlong', (r) => r.varlong(), Buffer.from('ff', 'hex')],
      ['string', (r) => r.string(false), Buffer.from('0005616263', 'hex')],
      ['compact string', (r) => r.string(true), Buffer.from('0a6162', 'hex')],
      ['bytes', (r) => r.bytes(false), Buffer.from('7fffffff00', 'hex')],
      ['compact bytes', (r) => r.bytes(true), Buffer.from('ffffffff0f', 'hex')],
    ];
    for (const [what, read, buf] of reads) {
      let caught: unknown;
      try {
        read(new Reader(buf));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(KafkaProtocolError);
      expect({ what, kind: (caught as KafkaProtocolError).kind, code: (caught as KafkaProtocolError).code }).toEqual({
        what,
        kind: 'truncated',
        code: 42,
      });
    }
  });

  test('lengths and counts that cannot be valid are malformed', () => {
    expect(() => new Reader(Buffer.from('fffe', 'hex')).nullableString(false)).toThrow(/INVALID_REQUEST: string length -2/);
    expect(() => new Reader(Buffer.from('ffff', 'hex')).string(false)).toThrow(/null string/);
    // 2^31-1 elements claimed with 4 bytes left: refused before allocating anything.
    expect(() => new Reader(Buffer.from('7fffffff00000000', 'hex')).array(false, (r) => r.int8())).toThrow(/array of 2147483647 elements/);
    expect(() => new Reader(Buffer.from('ffffffffff', 'hex')).uvarint()).toThrow(/varint longer than 5 bytes/);
    expect(() => new Reader(Buffer.from('00', 'hex')).array(true, (r) => r.int8())).toThrow(/null array/);
    // Kafka caps strings at 32767 bytes in both forms.
    const long = Buffer.concat([Buffer.from('818002', 'hex'), Buffer.alloc(32768, 0x61)]); // compact length 32768 + 1
    expect(() => new Reader(long).string(true)).toThrow(/string of 32768 bytes at offset 0 is over Kafka's limit of 32767/);
    expect(() => new Writer().string('a'.repeat(32768), true)).toThrow(/over Kafka's limit/);
    expect(new Reader(new Writer().string('a'.repeat(32767), true).toBuffer()).string(true)).toHaveLength(32767);
  });

  test('random reads over random bytes throw only KafkaProtocolError', () => {
    const ops: Array<(r: Reader) => unknown> = [
      (r) => r.int8(), (r) => r.int16(), (r) => r.int32(), (r) => r.int64(), (r) => r.uvarint(), (r) => r.varlong(),
      (r) => r.uuid(), (r) => r.nullableString(false), (r) => r.nullableString(true), (r) => r.nullableBytes(false),
      (r) => r.nullableBytes(true), (r) => r.nullableArray(true, (e) => e.int32()), (r) => r.nullableArray(false, (e) => e.string(true)),
      (r) => r.taggedFields(() => undefined),
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(ops.length - 1), { maxLength: 20 }), (bytes, seq) => {
        const r = new Reader(Buffer.from(bytes));
        try {
          for (const i of seq) ops[i]!(r);
        } catch (e) {
          if (!(e instanceof KafkaProtocolError)) throw e;
        }
        expect(r.offset).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});
