/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * RecordBatch v2. The native @node-rs/crc32 module (SSE4.2 / ARMv8 CRC
 * instructions) is used when it loads and passes a known-answer check; the
 * pure-JS table version keeps the package working where the prebuilt binary
 * is missing (other libc, other CPU), only slower.
 */
export type Crc32cFn = (input: Uint8Array, initialState?: number) => number;
export type Crc32cImplementation = 'native' | 'js';

/** Known answer from the CRC catalogue: crc32c("123456789"). */
export const CRC32C_CHECK_VALUE = 0xe3069283;
const CHECK_INPUT = Buffer.from('123456789', 'latin1');

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Byte-at-a-time table CRC32C; `initialState` continues a previous result. */
export function crc32cJs(input: Uint8Array, initialState = 0): number {
  let crc = ~initialState >>> 0;
  for (let i = 0; i < input.length; i++) {
    crc = TABLE[(crc ^ input[i]) & 0xff] ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}

/**
 * Picks the native implementation if `load` succeeds and the result answers
 * the check value; otherwise the JS one. Injected `load` so tests can force
 * the fallback.
 */
export function selectCrc32c(load: () => { crc32c: Crc32cFn }): {
  fn: Crc32cFn;
  implementation: Crc32cImplementation;
} {
  try {
    const native = load().crc32c;
    if (typeof native === 'function' && native(CHECK_INPUT) >>> 0 === CRC32C_CHECK_VALUE) {
      return { fn: native, implementation: 'native' };
    }
  } catch {
    // Missing or broken prebuilt binary: fall through to the JS version.
  }
  return { fn: crc32cJs, implementation: 'js' };
}

const selected = selectCrc32c(() => require('@node-rs/crc32') as { crc32c: Crc32cFn });

/** Which implementation this process uses (for logs and metrics). */
export const crc32cImplementation: Crc32cImplementation = selected.implementation;

/** CRC32C of `buf[start, end)`, as an unsigned 32-bit number. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return selected.fn(view) >>> 0;
}
