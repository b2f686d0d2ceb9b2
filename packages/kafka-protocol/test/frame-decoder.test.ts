import fc from 'fast-check';
import { FrameDecoder, KafkaProtocolError, Writer } from '@gregor/kafka-protocol';

function frameOf(body: Buffer): Buffer {
  const w = Writer.frame();
  w.raw(body);
  return w.toBuffer();
}

function collect(decoder: FrameDecoder, chunks: Buffer[]): string[] {
  return chunks.flatMap((c) => decoder.push(c)).map((f) => f.toString('hex'));
}

describe('FrameDecoder', () => {
  test('many frames in one chunk come out in order, as views of the chunk', () => {
    const bodies = [Buffer.from('a1', 'hex'), Buffer.alloc(0), Buffer.from('b2b3', 'hex')];
    const chunk = Buffer.concat(bodies.map(frameOf));
    const frames = new FrameDecoder().push(chunk);
    expect(frames.map((f) => f.toString('hex'))).toEqual(['a1', '', 'b2b3']);
    expect(frames[2]!.buffer).toBe(chunk.buffer);
  });

  test('a frame split at every possible point is reassembled', () => {
    const stream = Buffer.concat([frameOf(Buffer.from('0102030405', 'hex')), frameOf(Buffer.from('06', 'hex'))]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      expect(collect(decoder, [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(['0102030405', '06']);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  test('any chunking of any frames yields the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (bodies, cuts) => {
          const stream = Buffer.concat(bodies.map((b) => frameOf(Buffer.from(b))));
          const chunks: Buffer[] = [];
          for (let pos = 0, i = 0; pos < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            chunks.push(stream.subarray(pos, pos + n));
            pos += n;
          }
          const decoder = new FrameDecoder();
          expect(collect(decoder, chunks)).toEqual(bodies.map((b) => Buffer.from(b).toString('hex')));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  test('a large frame arriving one byte at a time is assembled once (no per-chunk recopy)', () => {
    const body = Buffer.alloc(200_000, 3);
    const stream = frameOf(body);
    const decoder = new FrameDecoder();
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) frames.push(...decoder.push(stream.subarray(i, i + 1)));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.equals(body)).toBe(true);
  });

  test('an oversize prefix is refused before its body arrives, and the decoder stays failed', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1000 });
    const good = frameOf(Buffer.from('01', 'hex'));
    const delivered: string[] = [];
    let caught: unknown;
    try {
      decoder.push(Buffer.concat([good, Buffer.from('000003e9', 'hex')]), (f) => delivered.push(f.toString('hex')));
    } catch (e) {
      caught = e;
    }
    expect(delivered).toEqual(['01']);
    expect(caught).toBeInstanceOf(KafkaProtocolError);
    expect((caught as KafkaProtocolError).kind).toBe('frame-too-large');
    expect((caught as KafkaProtocolError).message).toMatch(/1001 bytes is over the limit of 1000/);
    expect(decoder.bufferedBytes).toBe(0);
    expect(() => decoder.push(good)).toThrow(KafkaProtocolError);
  });

  test('a negative size is an error, also when its prefix is split', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from('ff', 'hex'))).toEqual([]);
    expect(() => decoder.push(Buffer.from('ffffff', 'hex'))).toThrow(/frame size -1 is negative/);
  });

  test('the default limit is 100 MiB (socket.request.max.bytes) and a 100 MiB announcement alone buffers nothing big', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Buffer.from('06400001', 'hex'))).toThrow(KafkaProtocolError);
    const ok = new FrameDecoder();
    expect(ok.push(Buffer.from('0640000000', 'hex'))).toEqual([]);
    expect(ok.bufferedBytes).toBe(1);
  });
});
