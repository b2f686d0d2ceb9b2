import { GregorError } from '@gregor/common';
import { crc32c } from './crc32c';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  CURRENT_MAGIC,
  CompressionType,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
} from './header';

/**
 * The checks every reader of a batch makes before trusting its header: it is
 * whole, its length is sane, it is magic v2 and its CRC matches. Nothing here
 * looks at the records, so it costs one CRC pass over the batch.
 */

/** Smallest legal batchLength: a header with no records (61 - 12). */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;

export function corrupt(message: string, batchPos: number, cause?: unknown): GregorError {
  return new GregorError('CORRUPT_MESSAGE', `record batch at byte ${batchPos}: ${message}`, { batchPos }, cause);
}

/** CRC32C of the batch at `pos`, over [pos + 21, pos + size) as Kafka computes it. */
export function computeBatchCrc(buf: Buffer, pos = 0): number {
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  return crc32c(buf, pos + ATTRIBUTES_OFFSET, pos + size);
}

/** Rewrites the stored CRC after a change inside the CRC-covered range. */
export function updateBatchCrc(buf: Buffer, pos = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_OFFSET);
}

/**
 * What a buffer holds at `pos`: a whole batch of `size` bytes, or only the
 * start of one (`partial`). A batchLength below the minimum is corruption,
 * not a partial batch: no amount of further bytes can make it valid.
 */
export type FrameProbe = { kind: 'whole'; size: number } | { kind: 'partial'; have: number; need: number };

export function probeFrame(buf: Buffer, pos: number): FrameProbe {
  const have = buf.length - pos;
  if (have < LOG_OVERHEAD) return { kind: 'partial', have, need: LOG_OVERHEAD };
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw corrupt(`batchLength ${batchLength} is below the minimum ${MIN_BATCH_LENGTH}`, pos);
  }
  const size = LOG_OVERHEAD + batchLength;
  return size > have ? { kind: 'partial', have, need: size } : { kind: 'whole', size };
}

/**
 * Checks the whole batch at `pos` (length, magic, CRC) and returns its size.
 * A partial batch is an error here; callers that tolerate a trailing partial
 * batch call probeFrame first.
 */
export function checkBatchFrame(buf: Buffer, pos: number): number {
  // Magic first when it is there: a v0/v1 message set would otherwise be
  // reported as a length or CRC problem, which misleads whoever debugs it.
  if (buf.length - pos > MAGIC_OFFSET) {
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic !== CURRENT_MAGIC) throw corrupt(`magic ${magic} is not supported (only v${CURRENT_MAGIC})`, pos);
  }
  const probe = probeFrame(buf, pos);
  if (probe.kind === 'partial') {
    throw corrupt(`truncated: needs ${probe.need} bytes, only ${probe.have} remain`, pos);
  }
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const computed = crc32c(buf, pos + ATTRIBUTES_OFFSET, pos + probe.size);
  if (stored !== computed) {
    throw corrupt(`CRC mismatch (stored 0x${hex32(stored)}, computed 0x${hex32(computed)})`, pos);
  }
  return probe.size;
}

/** Kafka's codec ids (attributes bits 0-2); 5-7 are unassigned. */
const SUPPORTED_CODECS: ReadonlySet<number> = new Set([
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
]);

/**
 * Throws UNSUPPORTED_COMPRESSION_TYPE unless the codec id is one Kafka
 * defines. Only the id is checked: the broker never decompresses on produce.
 * Which Produce versions may carry zstd (v7+, KIP-110) is the Kafka front
 * end's rule, not this package's.
 */
export function checkCompression(codec: number, batchPos?: number): void {
  if (SUPPORTED_CODECS.has(codec)) return;
  const name = CompressionType[codec as CompressionType] ?? `unknown codec id ${codec}`;
  const where = batchPos === undefined ? '' : `record batch at byte ${batchPos}: `;
  throw new GregorError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    `${where}compression ${name} is not supported (only None, Gzip, Snappy, Lz4 and Zstd)`,
    batchPos === undefined ? {} : { batchPos },
  );
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
