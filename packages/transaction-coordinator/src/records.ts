import { GregorError } from '@gregor/common';
import { KafkaReader, KafkaWriter } from '@gregor/record-batch';
import { TXN_STATES, txnStateByte, type TopicPartition, type TxnMetadata } from './types';

/**
 * The records of the internal topic `__transaction_state`, in Kafka's own
 * byte format (TransactionLogKey v0 / TransactionLogValue v0), so the topic
 * reads the same to Kafka tools. Compacted: the latest record per
 * transactional id wins; a null value (tombstone) forgets the id.
 *
 * key   = version INT16 (0), transactionalId STRING
 * value = version INT16 (0), producerId INT64, producerEpoch INT16,
 *         transactionTimeoutMs INT32, transactionStatus INT8,
 *         transactionPartitions NULLABLE ARRAY of (topic STRING, partitionIds ARRAY of INT32),
 *         transactionLastUpdateTimestampMs INT64, transactionStartTimestampMs INT64
 *
 * Value v0 has no field for the previous producer id and epoch (KIP-360's
 * retry of a lost InitProducerId answer): as in Kafka, they are known only
 * to the coordinator that bumped them and load as -1.
 */
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

const KEY_VERSION = 0;
const VALUE_VERSION = 0;

export interface TxnRecord {
  readonly transactionalId: string;
  /** null: a tombstone. */
  readonly value: TxnMetadata | null;
}

export function encodeTxnRecord(record: TxnRecord): { key: Buffer; value: Buffer | null } {
  const key = new KafkaWriter(2 + KafkaWriter.stringSize(record.transactionalId)).int16(KEY_VERSION).string(record.transactionalId).done();
  return { key, value: record.value === null ? null : encodeValue(record.value) };
}

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) {
    const list = byTopic.get(tp.topic);
    if (list === undefined) byTopic.set(tp.topic, [tp.partition]);
    else list.push(tp.partition);
  }
  return byTopic;
}

function encodeValue(m: TxnMetadata): Buffer {
  const byTopic = groupByTopic(m.partitions);
  let size = 2 + 8 + 2 + 4 + 1 + 4 + 8 + 8;
  for (const [topic, ps] of byTopic) size += KafkaWriter.stringSize(topic) + 4 + 4 * ps.length;
  const w = new KafkaWriter(size)
    .int16(VALUE_VERSION)
    .int64(m.producerId)
    .int16(m.producerEpoch)
    .int32(m.timeoutMs)
    .int8(txnStateByte(m.state))
    .int32(byTopic.size);
  for (const [topic, ps] of byTopic) {
    w.string(topic).int32(ps.length);
    for (const p of ps) w.int32(p);
  }
  return w.int64(BigInt(m.lastUpdateMs)).int64(BigInt(m.txnStartMs)).done();
}

/** Decodes one record; a key or value version other than 0, or malformed bytes, is CORRUPT_MESSAGE. */
export function decodeTxnRecord(key: Buffer, value: Buffer | null): TxnRecord {
  const k = new KafkaReader(key, 'transaction log key');
  const keyVersion = k.int16();
  if (keyVersion !== KEY_VERSION) throw new GregorError('CORRUPT_MESSAGE', `transaction log key version ${keyVersion} is not supported`);
  const transactionalId = k.string();
  return { transactionalId, value: value === null ? null : decodeValue(transactionalId, value) };
}

function decodeValue(transactionalId: string, buf: Buffer): TxnMetadata {
  const r = new KafkaReader(buf, `transaction log value of "${transactionalId}"`);
  const version = r.int16();
  if (version !== VALUE_VERSION) throw new GregorError('CORRUPT_MESSAGE', `transaction log value version ${version} is not supported`);
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const timeoutMs = r.int32();
  const status = r.int8();
  const state = TXN_STATES[status];
  if (state === undefined) throw new GregorError('CORRUPT_MESSAGE', `transaction log value of "${transactionalId}": unknown status ${status}`);
  const partitions: TopicPartition[] = [];
  const topics = r.arrayLength(2 + 4);
  for (let i = 0; i < topics; i++) {
    const topic = r.string();
    const n = r.arrayLength(4);
    for (let j = 0; j < n; j++) partitions.push({ topic, partition: r.int32() });
  }
  const lastUpdateMs = Number(r.int64());
  const txnStartMs = Number(r.int64());
  return { transactionalId, producerId, lastProducerId: -1n, producerEpoch, lastProducerEpoch: -1, timeoutMs, state, partitions, txnStartMs, lastUpdateMs };
}
