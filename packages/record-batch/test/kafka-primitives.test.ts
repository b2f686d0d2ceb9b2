import { KafkaReader, KafkaWriter } from '@gregor/record-batch';

describe('KafkaReader / KafkaWriter (Kafka classic primitives)', () => {
  test('round trip, with -1 for null strings and bytes and a null array read as empty', () => {
    const size = 2 + 4 + 8 + KafkaWriter.stringSize('héllo') + KafkaWriter.stringSize(null) + KafkaWriter.bytesSize(Buffer.from('ab')) + KafkaWriter.bytesSize(null) + 4;
    const buf = new KafkaWriter(size).int16(-2).int32(70000).int64(-(2n ** 60n)).string('héllo').string(null).bytes(Buffer.from('ab')).bytes(null).int32(-1).done();
    expect(buf.toString('hex')).toBe(
      'fffe' + '00011170' + 'f000000000000000' + '0006' + Buffer.from('héllo').toString('hex') + 'ffff' + '00000002' + '6162' + 'ffffffff' + 'ffffffff',
    );
    const r = new KafkaReader(buf, 'test value');
    expect([r.int16(), r.int32(), r.int64(), r.string(), r.nullableString()]).toEqual([-2, 70000, -(2n ** 60n), 'héllo', null]);
    expect(r.nullableBytes()).toEqual(Buffer.from('ab'));
    expect(r.bytes()).toEqual(Buffer.alloc(0));
    expect(r.arrayLength(4)).toBe(0);
    expect(r.remaining).toBe(0);
  });

  test('the writer refuses a string longer than a STRING holds, and a size it did not fill', () => {
    const long = 'x'.repeat(0x8000);
    expect(() => new KafkaWriter(KafkaWriter.stringSize(long)).string(long)).toThrow(expect.objectContaining({ errorName: 'INVALID_REQUEST' }));
    expect(() => new KafkaWriter(4).int16(1).done()).toThrow(/wrote 2 of 4 bytes/);
  });

  test('malformed input throws CORRUPT_MESSAGE by default, or the code the format asks for', () => {
    const cases: [string, (r: KafkaReader) => unknown][] = [
      ['00', (r) => r.int16()], // truncated
      ['0005 6162', (r) => r.string()], // length past the end
      ['fffe', (r) => r.nullableString()], // negative length other than -1
      ['ffff', (r) => r.string()], // null where a string is required
      ['fffffffe', (r) => r.nullableBytes()],
      ['7fffffff 00000000', (r) => r.arrayLength(4)], // more elements than bytes left
      ['fffffffe', (r) => r.arrayLength(1)],
    ];
    for (const [hex, read] of cases) {
      const buf = Buffer.from(hex.replace(/ /g, ''), 'hex');
      expect(() => read(new KafkaReader(buf, 'stored record'))).toThrow(expect.objectContaining({ errorName: 'CORRUPT_MESSAGE' }));
      expect(() => read(new KafkaReader(buf, 'member metadata', 'INCONSISTENT_GROUP_PROTOCOL'))).toThrow(
        expect.objectContaining({ errorName: 'INCONSISTENT_GROUP_PROTOCOL', message: expect.stringContaining('member metadata') }),
      );
    }
  });
});
