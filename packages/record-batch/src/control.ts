import { GregorError } from '@gregor/common';
import { decodeRecordBatch } from './decode';
import { BATCH_HEADER_SIZE, isControlBatch, ATTRIBUTES_OFFSET } from './header';
import { encodeRecordBatch } from './encode';

/**
 * Transaction markers (KIP-98): a control batch of one record whose key is
 * (version INT16 = 0, type INT16: 0 = ABORT, 1 = COMMIT) and whose value is
 * (version INT16 = 0, coordinatorEpoch INT32). The batch carries the
 * producer id and epoch of the transaction it ends, no sequence, and the
 * transactional and control attribute bits.
 */
export interface TxnMarker {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly commit: boolean;
  readonly coordinatorEpoch: number;
}

export const CONTROL_TYPE_ABORT = 0;
export const CONTROL_TYPE_COMMIT = 1;

export function encodeTxnMarkerBatch(marker: TxnMarker, timestampMs: bigint): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(marker.commit ? CONTROL_TYPE_COMMIT : CONTROL_TYPE_ABORT, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return encodeRecordBatch([{ key, value, timestamp: timestampMs }], {
    baseTimestamp: timestampMs,
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
  });
}

/**
 * The marker in the control batch at `pos` (its first record), or
 * undefined when the control record is not a transaction marker (Kafka
 * reserves other types). Control batches are never compressed.
 */
export function readTxnMarker(buf: Buffer, pos = 0): { commit: boolean; coordinatorEpoch: number } | undefined {
  if (!isControlBatch(buf.readInt16BE(pos + ATTRIBUTES_OFFSET)) || buf.length - pos <= BATCH_HEADER_SIZE) return undefined;
  const batch = decodeRecordBatch(buf, pos);
  const record = batch.records[0];
  if (record === undefined || record.key === null || record.key.length < 4) {
    throw new GregorError('CORRUPT_MESSAGE', 'a control batch without a control record key');
  }
  const type = record.key.readInt16BE(2);
  if (type !== CONTROL_TYPE_ABORT && type !== CONTROL_TYPE_COMMIT) return undefined;
  const coordinatorEpoch = record.value !== null && record.value.length >= 6 ? record.value.readInt32BE(2) : -1;
  return { commit: type === CONTROL_TYPE_COMMIT, coordinatorEpoch };
}
