import type { BatchHeader } from './header';

/** A record header. Kafka forbids null keys; values may be null. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: RecordHeader[];
  /** Milliseconds; default: the batch's `baseTimestamp` option, else 0n. */
  timestamp?: bigint;
}

export interface DecodedRecord {
  offset: bigint;
  /** For a LogAppendTime batch this is the batch's maxTimestamp, as Kafka reports it. */
  timestamp: bigint;
  /** Views into the decoded buffer (the input, or its decompressed copy): copy before mutating. */
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** The record-level attributes byte; unused by Kafka (always 0 when written). */
  attributes: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  records: DecodedRecord[];
}

/** One batch found by validateRecordBatches: its header and where it lies. */
export interface ValidatedBatch {
  header: BatchHeader;
  /** Byte position of the batch in the validated buffer. */
  pos: number;
  /** Bytes the batch occupies (12 + batchLength). */
  size: number;
}
