import { GregorError } from '@gregor/common';
import { checkBatchFrame, checkCompression } from './batch-frame';
import { compressionOf, isControlBatch, readBatchHeader, type BatchHeader } from './header';
import type { ValidatedBatch } from './types';

/**
 * Who is appending, as Kafka's AppendOrigin: a producer ('client', the
 * leader's produce path) or a leader ('replication', a follower appending
 * what it fetched, which the leader validated and offsets already assigned).
 */
export type AppendOrigin = 'client' | 'replication';

export interface ValidateOptions {
  /** Default 'client'. */
  origin?: AppendOrigin;
  /** Kafka's max.message.bytes: a larger batch throws MESSAGE_TOO_LARGE. */
  maxBatchBytes?: number;
}

/**
 * The broker's check of incoming bytes, without decoding records (hot path:
 * one CRC pass per batch). The buffer must be one or more whole batches, each
 * with magic 2, batchLength >= 49 and within the buffer, a matching CRC32C and
 * a supported codec. For 'client' origin it also applies Kafka's
 * LogValidator.validateBatch rules and UnifiedLog's baseOffset rule.
 *
 * Unlike Kafka (which since produce v3 takes exactly one batch per partition),
 * several batches may be concatenated, as Gregor's Produce allows.
 *
 * Errors: CORRUPT_MESSAGE (truncated, bad length/magic/CRC),
 * UNSUPPORTED_COMPRESSION_TYPE, MESSAGE_TOO_LARGE, INVALID_RECORD (well-formed
 * but not acceptable, where Kafka throws InvalidRecordException).
 */
export function validateRecordBatches(buf: Buffer, opts: ValidateOptions = {}): ValidatedBatch[] {
  const origin = opts.origin ?? 'client';
  if (buf.length === 0) {
    // Kafka: "Record batch has no batches at all". A follower may fetch nothing.
    if (origin === 'client') throw new GregorError('INVALID_RECORD', 'no record batch in the request');
    return [];
  }
  const batches: ValidatedBatch[] = [];
  let pos = 0;
  // Terminates: every batch advances pos by at least 61 bytes.
  while (pos < buf.length) {
    const size = checkBatchFrame(buf, pos);
    if (opts.maxBatchBytes !== undefined && size > opts.maxBatchBytes) {
      throw new GregorError(
        'MESSAGE_TOO_LARGE',
        `record batch at byte ${pos} is ${size} bytes, above the ${opts.maxBatchBytes}-byte limit`,
        { batchPos: pos },
      );
    }
    const header = readBatchHeader(buf, pos);
    checkCompression(compressionOf(header.attributes), pos);
    if (header.recordCount < 0) throw invalid(`recordCount ${header.recordCount} is negative`, pos);
    if (origin === 'client') checkClientBatch(header, pos);
    batches.push({ header, pos, size });
    pos += size;
  }
  return batches;
}

/**
 * Kafka's rules for batches from producers. Deliberately not applied to
 * replication: log compaction leaves batches whose recordCount is below
 * lastOffsetDelta + 1, even empty ones kept for producer state (KIP-98).
 */
function checkClientBatch(header: BatchHeader, pos: number): void {
  if (header.baseOffset !== 0n) {
    throw invalid(`baseOffset must be 0 in a produce request, got ${header.baseOffset}`, pos);
  }
  if (header.recordCount === 0) throw invalid('recordCount is 0', pos);
  if (header.lastOffsetDelta + 1 !== header.recordCount) {
    throw invalid(
      `lastOffsetDelta ${header.lastOffsetDelta} does not match recordCount ${header.recordCount} (must be count - 1)`,
      pos,
    );
  }
  if (isControlBatch(header.attributes)) throw invalid('clients may not write control batches', pos);
  if (header.producerId >= 0n && header.baseSequence < 0) {
    throw invalid(`baseSequence ${header.baseSequence} is invalid with producerId ${header.producerId}`, pos);
  }
}

function invalid(message: string, pos: number): GregorError {
  return new GregorError('INVALID_RECORD', `record batch at byte ${pos}: ${message}`, { batchPos: pos });
}
