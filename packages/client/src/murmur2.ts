/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), bit for bit,
 * so that a key lands on the same partition as with Kafka's Java producer.
 * Java's int arithmetic is 32-bit two's complement: Math.imul for `*`, `| 0`
 * after additions, `>>>` for Java's `>>>`.
 */
const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;
const R = 24;

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)) | 0;
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // Java's switch on length % 4 falls through 3 → 2 → 1; written as ifs
  // because this codebase forbids switch fall-through.
  const tail = length & ~3;
  const rest = length % 4;
  if (rest >= 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Utils.toPositive: clears the sign bit (not Math.abs, which breaks on MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
