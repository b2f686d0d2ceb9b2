import { GregorError } from '@gregor/common';
import type { Message } from '../types';
import { normalizeHeaders, toBuffer, toTimestamp } from '../wire';
import type { PendingRecord } from './accumulator';
import type { Delivery } from './delivery';
import { estimateRecordSize } from './record-size';

/**
 * Checks one message of a send call and makes its PendingRecord, or throws
 * the GregorError that `send` rejects with: INVALID_RECORD (bytes of the
 * wrong type), INVALID_TIMESTAMP, MESSAGE_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION
 * (a partition that is not an integer), checked in that order. Pure: the
 * caller reads the clock once per call (`defaultTimestamp`, the create time
 * of messages without one) and queues nothing until every message of the
 * call has passed.
 */
export function toPendingRecord(message: Message, delivery: Delivery, index: number, defaultTimestamp: bigint, maxRecordBytes: number): PendingRecord {
  const key = toBuffer(message.key);
  const value = toBuffer(message.value);
  const headers = normalizeHeaders(message.headers);
  const timestamp = message.timestamp === undefined ? defaultTimestamp : toTimestamp(message.timestamp, 0);
  const sizeBytes = estimateRecordSize(key, value, headers);
  if (sizeBytes > maxRecordBytes) {
    throw new GregorError('MESSAGE_TOO_LARGE', `record of about ${sizeBytes} bytes exceeds maxRequestSize/bufferMemory (${maxRecordBytes})`, { topic: delivery.topic });
  }
  const partition = message.partition;
  if (partition !== undefined && !Number.isInteger(partition)) {
    throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `partition ${String(partition)} is not an integer`, { topic: delivery.topic });
  }
  return { explicitPartition: partition, key, value, headers, timestamp, sizeBytes, delivery, index };
}
