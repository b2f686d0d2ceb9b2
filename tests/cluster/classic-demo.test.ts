/**
 * Issue 4 item 7, the classic demo: a producer bootstrapped from node 1 sends
 * a counter, a consumer bootstrapped from node 2 reads it, node 2 is killed
 * with -9, and the consumer keeps receiving with no gap and no duplicate.
 */
import { createClient } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import { TestCluster } from './harness';

describe('classic demo: the consumer survives kill -9 of its bootstrap node', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps receiving the counter with no gap and no duplicate', async () => {
    const topic = 'counter';
    await cluster.client.admin().createTopics([{ topic, numPartitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    await cluster.waitForFullIsr(topic);

    const producerClient = createClient({ bootstrap: cluster.bootstrap(1), requestTimeoutMs: 5000 });
    const consumerClient = createClient({ bootstrap: cluster.bootstrap(2), requestTimeoutMs: 5000 });
    const producer = producerClient.producer({ acks: 'all', lingerMs: 0 });
    const consumer = consumerClient.consumer({ maxWaitMs: 200 });
    consumer.assign([{ topic, partition: 0 }]);
    consumer.seek({ topic, partition: 0 }, 'earliest');

    let counter = 0;
    let acked = -1;
    let producing = true;
    const producing$ = (async () => {
      while (producing) {
        const value = counter++;
        await producer.send({ topic, partition: 0, value: String(value) });
        acked = value;
        await new Promise((r) => setTimeout(r, 20)); // the demo's pace: a counter, not a flood
      }
    })();

    const received: number[] = [];
    let consuming = true;
    const consuming$ = (async () => {
      while (consuming) {
        for (const rec of await consumer.poll({ timeoutMs: 200 })) received.push(Number(rec.value!.toString()));
      }
    })();

    try {
      await pollUntil(() => received.length >= 20, { timeoutMs: 30_000, what: 'the consumer to receive 20 values' });
      await cluster.kill(2);
      const atKill = received.length;
      await pollUntil(() => received.length >= atKill + 50, { timeoutMs: 60_000, what: '50 more values after node 2 was killed' });
    } finally {
      producing = false;
      await producing$;
      await pollUntil(() => received.length > 0 && received[received.length - 1]! >= acked, { timeoutMs: 30_000, what: 'the consumer to catch up' }).catch(() => undefined);
      consuming = false;
      await consuming$;
      await consumerClient.close();
      await producerClient.close();
    }
    expect(received.slice(0, acked + 1)).toEqual(Array.from({ length: acked + 1 }, (_, i) => i));
  });
});
