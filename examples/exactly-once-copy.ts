/**
 * Exactly-once copy between topics (KIP-98/447): a consumer in a group
 * reads the producer example's topic with isolation level read_committed,
 * and a transactional producer writes each polled batch to a copy topic
 * and commits the consumed offsets in the same transaction. A crash at any
 * point leaves either both (the copies and the offsets) or neither, so a
 * restarted copier resumes exactly after what it copied. The first batch is
 * aborted on purpose to show that nothing of it is seen or committed.
 * Stops after 2 s without a new record (once records came); prints what it copied, then reads
 * the copy topic back (read_committed).
 *
 *   node examples/dist/exactly-once-copy.js
 */
import { createClient } from '@gregor/client';
import { BOOTSTRAP, TOPIC } from './env';

const COPY = `${TOPIC}.copy`;

async function main(): Promise<void> {
  const client = createClient({ bootstrap: BOOTSTRAP, clientId: 'example-copier' });
  try {
    const [source] = await client.admin().describeTopics([TOPIC]);
    await client
      .admin()
      .createTopics([{ topic: COPY, numPartitions: source!.partitions.length }])
      .catch((err: unknown) => {
        if (!(err instanceof Error && err.message.includes('TOPIC_ALREADY_EXISTS'))) throw err;
      });

    const consumer = client.consumer({ groupId: 'example-copier', isolationLevel: 'read_committed', autoOffsetReset: 'earliest', enableAutoCommit: false });
    consumer.subscribe([TOPIC]);
    // One transactionalId per copier instance: a restarted instance with the same id fences the old one.
    const producer = client.producer({ transactionalId: 'example-copier-1' });
    await producer.initTransactions();

    let copied = 0;
    let aborted = false;
    // The group's first rebalance takes a few seconds (group.initial.rebalance.delay.ms): wait up to 30 s for the
    // first records, then stop after 2 s without new ones.
    const firstDeadline = Date.now() + 30_000;
    for (;;) {
      const records = await consumer.poll({ timeoutMs: 2000, maxRecords: 200 });
      if (records.length === 0) {
        if (copied > 0 || aborted || Date.now() > firstDeadline) break;
        continue;
      }
      producer.beginTransaction();
      await producer.send({ topic: COPY, messages: records.map((r) => ({ key: r.key, value: r.value, partition: r.partition })) });
      // The next offset to read, per partition, committed with the copies.
      const next = new Map<number, bigint>();
      for (const r of records) next.set(r.partition, r.offset + 1n);
      await producer.sendOffsetsToTransaction(
        [...next].map(([partition, offset]) => ({ topic: TOPIC, partition, offset })),
        consumer.groupMetadata()!,
      );
      if (!aborted) {
        // Abort the first batch: its copies stay invisible and its offsets uncommitted,
        // so after seeking back to the committed positions the same records come again.
        aborted = true;
        await producer.abortTransaction();
        const committed = await consumer.committed([...next.keys()].map((partition) => ({ topic: TOPIC, partition })));
        for (const partition of next.keys()) {
          const at = committed.get(`${TOPIC}-${partition}`);
          // -1: nothing committed yet for that partition.
          consumer.seek({ topic: TOPIC, partition }, at !== undefined && at >= 0n ? at : 'earliest');
        }
        console.log(`aborted a transaction of ${records.length} records`);
        continue;
      }
      await producer.commitTransaction();
      copied += records.length;
    }
    console.log(`copied ${copied} records from ${TOPIC} to ${COPY} exactly once`);
    await consumer.close();
    await producer.close();

    // What a read_committed reader of the copy sees: every record once, none of the aborted batch twice.
    const reader = client.consumer({ isolationLevel: 'read_committed', maxWaitMs: 500 });
    reader.assign(source!.partitions.map((p) => ({ topic: COPY, partition: p.partition })));
    for (const p of source!.partitions) reader.seek({ topic: COPY, partition: p.partition }, 'earliest');
    let read = 0;
    for (;;) {
      const records = await reader.poll({ timeoutMs: 2000 });
      if (records.length === 0) break;
      read += records.length;
    }
    await reader.close();
    console.log(`read_committed reader of ${COPY}: ${read} records`);
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
