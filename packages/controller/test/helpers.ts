import { MetadataImage } from '../src/image';
import type { MetadataRecord } from '../src/records';
import { decodeRecordBatch, encodeRecordBatch } from '../src/records';

/** Applies records as one batch at the next offset, through the wire encoding. */
export function applyRecords(image: MetadataImage, records: readonly MetadataRecord[]): void {
  const batch = decodeRecordBatch(encodeRecordBatch({ origin: null, records }));
  image.apply(batch, image.offset + 1);
}

export function registerAndUnfence(image: MetadataImage, ids: readonly number[]): void {
  for (const id of ids) {
    applyRecords(image, [{ type: 'register-broker', brokerId: id, incarnationId: `inc-${id}`, listeners: [{ name: 'CLIENT', host: '127.0.0.1', port: 9000 + id }], rack: null }]);
    applyRecords(image, [{ type: 'unfence-broker', brokerId: id, brokerEpoch: image.broker(id)!.brokerEpoch }]);
  }
}

export function partition(image: MetadataImage, topic: string, p: number) {
  const state = image.topicByName(topic)?.partitions[p];
  if (state === undefined) throw new Error(`no ${topic}-${p}`);
  return state;
}
