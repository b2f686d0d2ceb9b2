/**
 * Topic administration: create with configs, describe, change a config,
 * look up offsets, delete.
 *
 *   node examples/dist/admin.js
 */
import { GregorError } from '@gregor/common';
import { createClient } from '@gregor/client';
import { BOOTSTRAP } from './env';

const TOPIC = 'examples.admin';

async function main(): Promise<void> {
  const client = createClient({ bootstrap: BOOTSTRAP, clientId: 'example-admin' });
  const admin = client.admin();
  try {
    const md = await admin.metadata();
    console.log(`cluster ${md.clusterId}: brokers ${md.brokers.map((b) => `${b.nodeId}@${b.address}`).join(', ')}`);

    await admin.createTopics([{ topic: TOPIC, numPartitions: 2, configs: { 'retention.ms': String(60 * 60 * 1000) } }]);
    console.log('topics:', (await admin.listTopics()).join(', '));

    const [desc] = await admin.describeTopics([TOPIC]);
    for (const p of desc!.partitions) console.log(`partition ${p.partition}: leader ${p.leader} replicas [${p.replicas}] isr [${p.isr}]`);

    await admin.alterConfigs([{ type: 'topic', name: TOPIC, set: { 'retention.ms': String(24 * 60 * 60 * 1000) } }]);
    const [configs] = await admin.describeConfigs([{ type: 'topic', name: TOPIC, keys: ['retention.ms', 'cleanup.policy'] }]);
    for (const c of configs!.configs) console.log(`${c.name}=${c.value}${c.isDefault ? ' (default)' : ''}`);

    await client.producer().send({ topic: TOPIC, messages: [{ value: 'a' }, { value: 'b' }] });
    const offsets = await admin.listOffsets([
      { topic: TOPIC, partition: 0, spec: 'earliest' },
      { topic: TOPIC, partition: 0, spec: 'latest' },
      { topic: TOPIC, partition: 1, spec: 'latest' },
    ]);
    for (const o of offsets) console.log(`offset of ${o.topic}-${o.partition}: ${o.offset}`);

    // Errors carry Kafka's names and codes: branch on them, not on text.
    try {
      await admin.createTopics([{ topic: TOPIC }]);
    } catch (err) {
      if (err instanceof GregorError) console.log(`second create: ${err.errorName} (code ${err.code}, retriable ${err.retriable})`);
      else throw err;
    }

    await admin.deleteTopics([TOPIC]);
    console.log(`deleted ${TOPIC}`);
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
