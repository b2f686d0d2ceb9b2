import { GregorError } from '@gregor/common';
import { FETCH_API } from '@gregor/kafka-protocol';
import { decodeRecordBatches } from '@gregor/record-batch';
import { FETCH_VERSION, type KafkaBenchCluster } from './cluster';


export interface WireConsumeOptions {
  /** fetch.max.bytes */
  maxBytes: number;
  /** max.partition.fetch.bytes */
  partitionMaxBytes: number;
  /** fetch.max.wait.ms */
  maxWaitMs: number;
  /** Fail when nothing arrives for this long. */
  stallMs: number;
  /** Told the running total after each response. */
  onProgress?: (consumed: number) => void;
}

/**
 * Reads `records` records of `topic` from offset 0, as the SDK consumer in
 * the bench does: one long-poll Fetch per leader in flight, for all of its
 * partitions, each batch decoded into records (the work a consumer does
 * before handing records to the application). Records below a partition's
 * position (a fetch may start mid-batch) are not counted. Resolves with the
 * count read; fails on a partition error or when nothing arrives for
 * `stallMs`.
 */
export async function consumeAll(cluster: KafkaBenchCluster, topic: string, records: number, opts: WireConsumeOptions): Promise<number> {
  await cluster.waitForLeaders(topic);
  let consumed = 0;
  let lastProgressMs = performance.now();
  const fetchFromLeader = async (leader: number, partitions: number[]): Promise<void> => {
    const conn = await cluster.connection(leader);
    const positions = new Map(partitions.map((p) => [p, 0n]));
    while (consumed < records) {
      const res = await conn.send(FETCH_API, FETCH_VERSION, {
        replicaId: -1,
        maxWaitMs: opts.maxWaitMs,
        minBytes: 1,
        maxBytes: opts.maxBytes,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: partitions.map((partition) => ({ partition, fetchOffset: positions.get(partition)!, partitionMaxBytes: opts.partitionMaxBytes, currentLeaderEpoch: -1 })) }],
      });
      if (res.errorCode !== 0) throw GregorError.fromCode(res.errorCode, `fetch from broker ${leader} failed`);
      let got = 0;
      for (const t of res.responses) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) throw GregorError.fromCode(p.errorCode, `fetch of ${topic}-${p.partitionIndex} failed`, { topic, partition: p.partitionIndex });
          if (p.records === null || p.records.length === 0) continue;
          const position = positions.get(p.partitionIndex)!;
          let next = position;
          for (const batch of decodeRecordBatches(p.records)) {
            for (const r of batch.records) {
              if (r.offset < position) continue;
              got++;
              next = r.offset + 1n;
            }
          }
          positions.set(p.partitionIndex, next);
        }
      }
      consumed += got;
      if (got > 0) {
        lastProgressMs = performance.now();
        opts.onProgress?.(consumed);
      } else if (performance.now() - lastProgressMs > opts.stallMs) {
        throw new GregorError('REQUEST_TIMED_OUT', `consume stalled: read ${consumed} of ${records} records, then nothing for ${opts.stallMs} ms`);
      }
    }
  };
  await Promise.all([...cluster.partitionsByLeader(topic)].map(([leader, partitions]) => fetchFromLeader(leader, partitions)));
  return consumed;
}
