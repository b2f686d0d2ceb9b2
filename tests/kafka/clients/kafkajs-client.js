// kafkajs (npm, a dev dependency of tests/) driven by tests/kafka. Same
// commands and JSON lines as kafka_python_client.py. kafkajs compresses only
// with gzip out of the box (snappy/lz4/zstd need codec plugins, which are not
// installed), so --codec accepts none and gzip.
'use strict';
const { parseArgs } = require('node:util');
const { Kafka, logLevel, CompressionTypes, PartitionAssigners } = require('kafkajs');

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    bootstrap: { type: 'string' }, topic: { type: 'string' }, group: { type: 'string' }, codec: { type: 'string', default: 'none' },
    count: { type: 'string', default: '0' }, start: { type: 'string', default: '0' }, partition: { type: 'string' },
    'interval-ms': { type: 'string', default: '0' }, max: { type: 'string', default: '0' }, 'idle-ms': { type: 'string', default: '0' },
    idempotent: { type: 'boolean', default: false }, pad: { type: 'string', default: '0' },
  },
});
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
let stopping = false;
const stopped = new Promise((resolve) => process.on('SIGTERM', () => { stopping = true; resolve(); }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const kafka = new Kafka({
  clientId: 'gregor-tests-kafkajs',
  brokers: a.bootstrap.split(','),
  logLevel: logLevel.ERROR,
  retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 },
  requestTimeout: 10000,
});
const text = (b) => (b === null || b === undefined ? null : b.toString());

// The group protocol under Kafka's own assignor name ("roundrobin", as the
// Java client and Gregor's SDK call it), so kafkajs can share a group with them.
const roundRobin = (deps) => ({ ...PartitionAssigners.roundRobin(deps), name: 'roundrobin' });

const COMMANDS = {
  async metadata() {
    const admin = kafka.admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    const topics = await admin.fetchTopicMetadata();
    emit({
      brokers: brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })).sort((x, y) => x.id - y.id),
      topics: Object.fromEntries(topics.topics.map((t) => [t.name, t.partitions.length])),
    });
    await admin.disconnect();
  },

  async admin() {
    const admin = kafka.admin();
    await admin.connect();
    const topic = a.topic;
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
    emit({ step: 'create', errors: [created ? 0 : 'not created'] });
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    emit({ step: 'partitions', count: md.topics[0].partitions.length });
    const describe = async () => {
      const { resources } = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
      return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    };
    emit({ step: 'describe', configs: await describe() });
    const altered = await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'min.insync.replicas', value: '2' }] }] });
    emit({ step: 'alter', errors: altered.resources.map((r) => r.errorCode) });
    emit({ step: 'describe', configs: await describe() });
    await admin.deleteTopics({ topics: [topic] });
    emit({ step: 'delete', errors: [0] });
    await admin.disconnect();
  },

  async produce() {
    const compression = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP }[a.codec];
    if (compression === undefined) throw new Error(`kafkajs has no built-in ${a.codec} codec`);
    const producer = kafka.producer({ idempotent: a.idempotent, maxInFlightRequests: a.idempotent ? 1 : undefined, createPartitioner: require('kafkajs').Partitioners.DefaultPartitioner });
    await producer.connect();
    const count = Number(a.count);
    const start = Number(a.start);
    for (let i = start; (count === 0 || i < start + count) && !stopping; i++) {
      const message = { key: `k${i}`, value: String(i).padEnd(Number(a.pad)), headers: { seq: String(i) }, ...(a.partition === undefined ? {} : { partition: Number(a.partition) }) };
      emit({ sent: i });
      try {
        const [md] = await producer.send({ topic: a.topic, acks: -1, compression, messages: [message] });
        emit({ acked: i, partition: md.partition, offset: Number(md.baseOffset) });
      } catch (err) {
        emit({ error: String(err), value: i });
        process.exitCode = 1;
        break;
      }
      if (Number(a['interval-ms']) > 0) await sleep(Number(a['interval-ms']));
    }
    await producer.disconnect();
  },

  async consume() {
    const max = Number(a.max);
    const idleMs = Number(a['idle-ms']);
    const group = a.group ?? `gregor-tests-kafkajs-${process.pid}`; // kafkajs reads only through a group
    const consumer = kafka.consumer({ groupId: group, partitionAssigners: [roundRobin], sessionTimeout: 10000, rebalanceTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
    consumer.on(consumer.events.GROUP_JOIN, (e) => emit({ assigned: [...(e.payload.memberAssignment[a.topic] ?? [])].sort((x, y) => x - y) }));
    await consumer.connect();
    await consumer.subscribe({ topic: a.topic, fromBeginning: true });
    let n = 0;
    let last = Date.now();
    let done;
    const finished = new Promise((r) => (done = r));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (max > 0 && n >= max) return;
        emit({ p: partition, o: Number(message.offset), k: text(message.key), v: text(message.value), h: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, text(v)])) });
        n++;
        last = Date.now();
        if (a.group !== undefined) await consumer.commitOffsets([{ topic: a.topic, partition, offset: String(Number(message.offset) + 1) }]);
        if (max > 0 && n >= max) done();
      },
    });
    const idle = idleMs > 0 ? (async () => { while (Date.now() - last < idleMs) await sleep(100); })() : new Promise(() => undefined);
    await Promise.race([stopped, finished, idle]);
    await consumer.disconnect(); // leaves the group
  },
};

COMMANDS[positionals[0]]().then(
  () => process.exit(),
  (err) => { emit({ error: String(err) }); process.exit(1); },
);
