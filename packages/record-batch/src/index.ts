export * from './header';
export type { RecordHeader, RecordInput, DecodedRecord, DecodedBatch, ValidatedBatch } from './types';
export { encodeRecordBatch, type EncodeBatchOptions } from './encode';
export { decodeRecordBatch, decodeRecordBatches, type DecodeOptions } from './decode';
export { validateRecordBatches, type AppendOrigin, type ValidateOptions } from './validate';
export { setMaxTimestamp } from './max-timestamp';
export { computeBatchCrc, MIN_BATCH_LENGTH } from './batch-frame';
export { DEFAULT_MAX_DECOMPRESSED_BYTES } from './compression';
export { crc32c, crc32cImplementation, type Crc32cImplementation } from './crc32c';
