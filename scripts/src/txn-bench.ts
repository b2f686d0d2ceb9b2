import type { Acks, Gregor, Message } from '@gregor/client';
import { THROUGHPUT_PRODUCER } from './bench-workload';
import { percentile } from './latency-breakdown';

/** Where a transaction's time went, median and p99 over the run (ms). */
export interface TxnPhases {
  /** beginTransaction to every record acknowledged: AddPartitionsToTxn (parked while the previous markers are out), the leaders' KIP-890 check, the data. */
  records_acked_ms: { p50: number; p99: number };
  /** commitTransaction: flush (nothing left) and EndTxn, answered once PrepareCommit is written. */
  commit_ms: { p50: number; p99: number };
}

/**
 * The transactional produce phase (`pnpm bench --transactions N`, issue 14):
 * the same producer settings as the idempotent throughput phase, records
 * sent in transactions of `perTransaction` records — begin, send them in
 * chunks of 1000 (all in flight at once), commit — one transaction after
 * the other, as a consume-transform-produce loop would. Returns the
 * seconds it took and each phase's median and p99; the caller compares the
 * rate with the idempotent one.
 */
export async function produceTransactional(
  client: Gregor,
  acks: Acks,
  topic: string,
  value: Buffer,
  records: number,
  perTransaction: number,
  onProgress: (acked: number) => void,
): Promise<{ seconds: number; transactions: number; phases: TxnPhases }> {
  const producer = client.producer({ acks, ...THROUGHPUT_PRODUCER, transactionalId: `bench-${topic}` });
  await producer.initTransactions();
  const chunk: Message[] = Array.from({ length: 1000 }, () => ({ value }));
  let transactions = 0;
  const acked: number[] = [];
  const committed: number[] = [];
  const t0 = performance.now();
  try {
    for (let sent = 0; sent < records; ) {
      const size = Math.min(perTransaction, records - sent);
      const begun = performance.now();
      producer.beginTransaction();
      const sends: Promise<unknown>[] = [];
      for (let done = 0; done < size; done += 1000) {
        const n = Math.min(1000, size - done);
        sends.push(producer.send({ topic, messages: n === chunk.length ? chunk : chunk.slice(0, n) }));
      }
      await Promise.all(sends);
      const allAcked = performance.now();
      await producer.commitTransaction();
      acked.push(allAcked - begun);
      committed.push(performance.now() - allAcked);
      sent += size;
      transactions++;
      onProgress(sent);
    }
  } finally {
    await producer.close();
  }
  const summary = (ms: number[]): { p50: number; p99: number } => {
    const sorted = [...ms].sort((a, b) => a - b);
    return { p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)) };
  };
  return { seconds: (performance.now() - t0) / 1000, transactions, phases: { records_acked_ms: summary(acked), commit_ms: summary(committed) } };
}
