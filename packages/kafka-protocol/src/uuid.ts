import { KafkaProtocolError } from './errors';

/**
 * UUIDs (topic ids) cross the API as RFC 4122 strings, the form Gregor's
 * metadata already uses (`randomUUID()`), and go on the wire as 16 raw bytes.
 * Kafka's ZERO_UUID ("no id") is the all-zero string.
 */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(s: string): boolean {
  return UUID_PATTERN.test(s);
}

/** Writes `uuid` as 16 bytes at `pos`; throws a malformed KafkaProtocolError for a non-UUID string. */
export function writeUuid(buf: Buffer, pos: number, uuid: string): void {
  if (!UUID_PATTERN.test(uuid)) throw new KafkaProtocolError('malformed', `'${uuid}' is not a UUID`);
  buf.write(uuid.replace(/-/g, ''), pos, 16, 'hex');
}

export function readUuid(buf: Buffer, pos: number): string {
  const hex = buf.toString('hex', pos, pos + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
