/**
 * Kafka's variable-length integers (org.apache.kafka.common.utils.ByteUtils):
 * zigzag-encoded (as protobuf's sint32/sint64), then 7 bits per byte, least
 * significant group first, high bit = "more bytes follow". Every varint in a
 * v2 record is signed this way, lengths and counts included, so -1 (null)
 * costs one byte (0x01).
 *
 * Writers take the position and return the next one; callers size buffers
 * exactly beforehand (sizeOf*), so no bounds checks happen here.
 */

const INT32_MIN_N = -0x80000000n;
const INT32_MAX_N = 0x7fffffffn;

/** Bytes of the zigzag varint for a signed 32-bit `value`. */
export function sizeOfVarint(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Writes the zigzag varint for a signed 32-bit `value` at `pos`. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

function zigzag64(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

/** Bytes of the zigzag varlong for a signed 64-bit `value`. */
export function sizeOfVarlong(value: bigint): number {
  // The zigzag of an int32-range value is the same number whether computed
  // in 32 or 64 bits, so small values (nearly all timestamp deltas) stay off
  // the bigint path.
  if (value >= INT32_MIN_N && value <= INT32_MAX_N) return sizeOfVarint(Number(value));
  let v = zigzag64(value);
  let bytes = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    bytes++;
  }
  return bytes;
}

/** Writes the zigzag varlong for a signed 64-bit `value` at `pos`. */
export function writeVarlong(buf: Buffer, pos: number, value: bigint): number {
  if (value >= INT32_MIN_N && value <= INT32_MAX_N) return writeVarint(buf, pos, Number(value));
  let v = zigzag64(value);
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}
