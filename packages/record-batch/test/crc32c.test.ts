import fc from 'fast-check';
import { crc32c, crc32cImplementation } from '@gregor/record-batch';
import { CRC32C_CHECK_VALUE, crc32cJs, selectCrc32c, type Crc32cFn } from '../src/crc32c';
import { referenceCrc32c } from './helpers';

const native = (require('@node-rs/crc32') as { crc32c: Crc32cFn }).crc32c;

describe('crc32c', () => {
  it('gives the known answer for "123456789"', () => {
    expect(CRC32C_CHECK_VALUE).toBe(0xe3069283);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cJs(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(native(Buffer.from('123456789')) >>> 0).toBe(0xe3069283);
  });

  it('uses the native module on this machine', () => {
    // The prebuilt @node-rs/crc32 binary for linux-x64-gnu is installed here;
    // if this fails the fallback is silently carrying the load.
    expect(crc32cImplementation).toBe('native');
  });

  it('native, JS table and bit-by-bit reference agree on arbitrary bytes and ranges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const buf = Buffer.from(bytes);
        const start = buf.length === 0 ? 0 : a % (buf.length + 1);
        const end = start + (buf.length === 0 ? 0 : b % (buf.length - start + 1));
        const slice = buf.subarray(start, end);
        const expected = referenceCrc32c(slice);
        expect(native(slice) >>> 0).toBe(expected);
        expect(crc32cJs(slice)).toBe(expected);
        expect(crc32c(buf, start, end)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('the JS version continues from an initial state like the native one', () => {
    const data = Buffer.from('the quick brown fox jumps over the lazy dog');
    const whole = crc32cJs(data);
    expect(crc32cJs(data.subarray(10), crc32cJs(data.subarray(0, 10)))).toBe(whole);
    expect(native(data.subarray(10), native(data.subarray(0, 10))) >>> 0).toBe(whole);
  });

  it('falls back to JS when the native module fails to load', () => {
    const selected = selectCrc32c(() => {
      throw new Error('Cannot find module @node-rs/crc32-linux-x64-musl');
    });
    expect(selected.implementation).toBe('js');
    expect(selected.fn(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('falls back to JS when the native module answers wrongly or is not a function', () => {
    expect(selectCrc32c(() => ({ crc32c: () => 42 })).implementation).toBe('js');
    expect(selectCrc32c(() => ({}) as { crc32c: Crc32cFn }).implementation).toBe('js');
    expect(selectCrc32c(() => ({ crc32c: native })).implementation).toBe('native');
  });
});
