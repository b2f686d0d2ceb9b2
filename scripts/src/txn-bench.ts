import type { Acks, Gregor, Message } from '@gregor/client';
import { THROUGHPUT_PRODUCER } from './bench-workload';

/**
 * The transactional produce phase (`pnpm bench --transactions N`, issue 14):
 * the same producer settings as the idempotent throughput phase, records
 * sent in transactions of `perTransaction` records — begin, send them in
 * chunks of 1000 (all in flight at once), commit — one transaction after
 * the other, as a consume-transform-produce loop would. Returns the
 * seconds it took; the caller compares the rate with the idempotent one.
 */
export async function produceTransactional(
  client: Gregor,
  acks: Acks,
  topic: string,
  value: Buffer,
  records: number,
  perTransaction: number,
  onProgress: (acked: number) => void,
): Promise<{ seconds: number; transactions: number }> {
  const producer = client.producer({ acks, ...THROUGHPUT_PRODUCER, transactionalId: `bench-${topic}` });
  await producer.initTransactions();
  const chunk: Message[] = Array.from({ length: 1000 }, () => ({ value }));
  let transactions = 0;
  const t0 = performance.now();
  try {
    for (let sent = 0; sent < records; ) {
      const size = Math.min(perTransaction, records - sent);
      producer.beginTransaction();
      const sends: Promise<unknown>[] = [];
      for (let done = 0; done < size; done += 1000) {
        const n = Math.min(1000, size - done);
        sends.push(producer.send({ topic, messages: n === chunk.length ? chunk : chunk.slice(0, n) }));
      }
      await Promise.all(sends);
      await producer.commitTransaction();
      sent += size;
      transactions++;
      onProgress(sent);
    }
  } finally {
    await producer.close();
  }
  return { seconds: (performance.now() - t0) / 1000, transactions };
}
