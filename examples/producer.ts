/**
 * Produces a few orders: keyed records (same key → same partition, as with
 * Kafka's Java producer), headers, a multi-record send, then flush and close.
 *
 *   node examples/dist/producer.js
 */
import { GregorError } from '@gregor/common';
import { createClient } from '@gregor/client';
import { BOOTSTRAP, TOPIC } from './env';

async function main(): Promise<void> {
  const client = createClient({ bootstrap: BOOTSTRAP, clientId: 'example-producer' });
  try {
    // Topics are not auto-created by default: make sure it exists.
    await client
      .admin()
      .createTopics([{ topic: TOPIC, numPartitions: 3 }])
      .catch((err: unknown) => {
        if (!(err instanceof GregorError && err.errorName === 'TOPIC_ALREADY_EXISTS')) throw err;
      });

    const producer = client.producer({ acks: 'all', lingerMs: 5, compression: 'gzip' });

    // One record: resolves once every in-sync replica has it.
    const first = await producer.send({
      topic: TOPIC,
      key: 'customer-42',
      value: JSON.stringify({ order: 1, item: 'book', qty: 1 }),
      headers: { source: 'example' },
    });
    console.log(`order 1 → partition ${first.partition} offset ${first.offset}`);

    // Several records of one topic: resolves to their metadata, in order.
    const more = await producer.send({
      topic: TOPIC,
      messages: [2, 3, 4].map((order) => ({ key: `customer-${40 + order}`, value: JSON.stringify({ order, item: 'pen', qty: order }) })),
    });
    for (const m of more) console.log(`→ partition ${m.partition} offset ${m.offset}`);

    // Fire-and-collect: sends are batched per partition (lingerMs, batchSize).
    const pending = Array.from({ length: 1000 }, (_, i) => producer.send({ topic: TOPIC, value: `tick ${i}` }));
    await producer.flush();
    const acked = await Promise.all(pending);
    console.log(`${acked.length} unkeyed records acknowledged (sticky partitioning: ${new Set(acked.map((m) => m.partition)).size} partition(s) used)`);

    await producer.close();
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  // GregorError messages start with Kafka's error name, e.g. NETWORK_EXCEPTION: …
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
