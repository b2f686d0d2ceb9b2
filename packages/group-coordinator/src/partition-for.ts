/**
 * Java's String.hashCode: 31·h + UTF-16 code unit, in 32-bit two's
 * complement. Kafka places a group with it, so a group lands on the same
 * __consumer_offsets partition as it would in Kafka.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The __consumer_offsets partition of a group: Kafka's
 * `Utils.abs(groupId.hashCode) % partitionCount`, where Utils.abs maps
 * Integer.MIN_VALUE to 0 (Math.abs would overflow).
 */
export function partitionForGroup(groupId: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount <= 0) throw new RangeError(`partition count must be positive, got ${partitionCount}`);
  const h = javaStringHashCode(groupId);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitionCount;
}
