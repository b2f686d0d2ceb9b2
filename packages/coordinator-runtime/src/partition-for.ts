/**
 * Java's String.hashCode: 31·h + UTF-16 code unit, in 32-bit two's
 * complement. Kafka places groups and transactional ids with it, so each
 * lands on the same internal-topic partition as it would in Kafka.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The internal-topic partition of a group id or transactional id: Kafka's
 * `Utils.abs(key.hashCode) % partitionCount`, where Utils.abs maps
 * Integer.MIN_VALUE to 0 (Math.abs would overflow).
 */
export function partitionForKey(key: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount <= 0) throw new RangeError(`partition count must be positive, got ${partitionCount}`);
  const h = javaStringHashCode(key);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitionCount;
}
