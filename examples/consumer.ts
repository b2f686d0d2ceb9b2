/**
 * Reads every partition of the topic from the beginning and prints the
 * records; stops after 2 s without a new record.
 *
 *   node examples/dist/consumer.js
 */
import { createClient } from '@gregor/client';
import { BOOTSTRAP, TOPIC } from './env';

async function main(): Promise<void> {
  const client = createClient({ bootstrap: BOOTSTRAP, clientId: 'example-consumer' });
  try {
    const [topic] = await client.admin().describeTopics([TOPIC]);
    const consumer = client.consumer({ maxWaitMs: 500 });
    const partitions = topic!.partitions.map((p) => ({ topic: TOPIC, partition: p.partition }));
    consumer.assign(partitions);
    for (const tp of partitions) consumer.seek(tp, 'earliest');

    // poll() returns what is buffered, waiting up to timeoutMs for the first record.
    let total = 0;
    const perPartition = new Map<number, number>();
    for (;;) {
      const records = await consumer.poll({ timeoutMs: 2000 });
      if (records.length === 0) break;
      for (const r of records) {
        total++;
        perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1);
        if (total <= 10) console.log(`${r.partition}@${r.offset} key=${r.key?.toString() ?? 'null'} value=${r.value?.toString() ?? 'null'}`);
      }
    }
    console.log(`read ${total} records`);

    // The same with an async iterator, from an exact offset of one partition:
    // the fullest one, and at most as many records as it has (the iterator
    // waits for new records, it does not end at the log end).
    const [fullest, count] = [...perPartition].sort((a, b) => b[1] - a[1])[0] ?? [partitions[0]!.partition, 0];
    const tp = { topic: TOPIC, partition: fullest };
    consumer.assign([tp]);
    consumer.seek(tp, 0n);
    let n = 0;
    if (count > 0) {
      for await (const r of consumer) {
        console.log(`iterator: ${r.partition}@${r.offset} ${r.value?.toString() ?? ''}`);
        if (++n === Math.min(3, count)) break; // leaving the loop does not close the consumer
      }
    }
    console.log(`position of partition ${tp.partition}: ${await consumer.position(tp)}`);
    await consumer.close();
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
