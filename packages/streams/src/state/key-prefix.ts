/**
 * Store keys that group one record key's entries together: a 4-byte
 * length, the key bytes, then a fixed-width tail (window bounds). The
 * length comes first so that key "a" never shares a range with key "ab";
 * the tail is big-endian so one key's entries sort by it.
 */
export function keyPrefix(keyBytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + keyBytes.length);
  out.writeUInt32BE(keyBytes.length, 0);
  keyBytes.copy(out, 4);
  return out;
}

/** The key bytes of a prefixed store key and where its tail starts. */
export function splitKeyPrefix(raw: Buffer): { keyBytes: Buffer; tailOffset: number } {
  const len = raw.readUInt32BE(0);
  return { keyBytes: raw.subarray(4, 4 + len), tailOffset: 4 + len };
}

/** A prefixed key followed by big-endian 64-bit integers (window bounds in ms). */
export function prefixedKey(keyBytes: Buffer, ...tailMs: number[]): Buffer {
  const prefix = keyPrefix(keyBytes);
  const out = Buffer.allocUnsafe(prefix.length + 8 * tailMs.length);
  prefix.copy(out, 0);
  tailMs.forEach((ms, i) => out.writeBigInt64BE(BigInt(ms), prefix.length + 8 * i));
  return out;
}

/** [from, to) covering every entry of one key whose tail is at most `tailBytes` long. */
export function keyPrefixRange(keyBytes: Buffer, tailBytes: number): [Buffer, Buffer] {
  const prefix = keyPrefix(keyBytes);
  return [prefix, Buffer.concat([prefix, Buffer.alloc(tailBytes + 1, 0xff)])];
}
