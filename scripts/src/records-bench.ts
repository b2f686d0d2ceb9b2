/**
 * `pnpm bench --api records`: publish throughput through gregor.v1.Records
 * (plain records, 1,000 per Publish; the node runs the SDK's producer), from
 * one client with a bounded number of calls in flight — to print beside the
 * SDK path's numbers of the same run.
 */
import * as grpc from '@grpc/grpc-js';
import { loadRecordsProto, type PublishRequest, type PublishResponse__Output } from '@gregor/proto';

export interface RecordsPublishBench {
  /** host:port of the node the client talks to. */
  address: string;
  topic: string;
  records: number;
  value: Buffer;
  acks: 'all' | 'leader';
  recordsPerPublish: number;
  /** Publish calls in flight at once. */
  concurrency: number;
  onProgress?: (published: number) => void;
}

export interface RecordsPublishResult {
  seconds: number;
  failedRecords: number;
}

export async function benchRecordsPublish(b: RecordsPublishBench): Promise<RecordsPublishResult> {
  const Records = loadRecordsProto().gregor.v1.Records;
  const stub = new Records(b.address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 });
  const full: PublishRequest = {
    topic: b.topic,
    acks: b.acks === 'all' ? 'PUBLISH_ACKS_ALL' : 'PUBLISH_ACKS_LEADER',
    records: Array.from({ length: b.recordsPerPublish }, () => ({ value: b.value })),
  };
  const publish = (req: PublishRequest): Promise<PublishResponse__Output> =>
    new Promise((resolve, reject) => stub.Publish(req, { deadline: Date.now() + 120_000 }, (err, res) => (err !== null ? reject(err) : resolve(res!))));
  let failedRecords = 0;
  let published = 0;
  const t0 = performance.now();
  try {
    const inflight = new Set<Promise<void>>();
    for (let sent = 0; sent < b.records; sent += b.recordsPerPublish) {
      const n = Math.min(b.recordsPerPublish, b.records - sent);
      const req = n === b.recordsPerPublish ? full : { ...full, records: full.records!.slice(0, n) };
      const p = publish(req).then((res) => {
        for (const r of res.results) if (r.error !== null) failedRecords++;
        published += n;
        b.onProgress?.(published);
        inflight.delete(p);
      });
      inflight.add(p);
      if (inflight.size >= b.concurrency) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } finally {
    stub.close();
  }
  return { seconds: (performance.now() - t0) / 1000, failedRecords };
}
