/**
 * Word count with @gregor/streams: lines from `streams-plaintext-input`,
 * the running count per word to `streams-wordcount-output` (key = word,
 * value = the count as text, so `gregor consume --print-key` shows it). Start several copies: instances with
 * the same application id share the input partitions; stopping one hands
 * its tasks to the others.
 *
 *   node examples/dist/streams/word-count.js        # Ctrl-C to stop
 *
 * GREGOR_BOOTSTRAP, GREGOR_STREAMS_STATE_DIR (default: a temp dir) and
 * GREGOR_STREAMS_APP_ID (default streams-wordcount) configure it.
 */
import { createClient, isGregorError } from '@gregor/client';
import { createLogger } from '@gregor/common';
import { KafkaStreams, Serdes, StreamsBuilder } from '@gregor/streams';
import { BOOTSTRAP } from '../env';

const INPUT = 'streams-plaintext-input';
const OUTPUT = 'streams-wordcount-output';

async function main(): Promise<void> {
  await createTopics([INPUT, OUTPUT]);

  const builder = new StreamsBuilder();
  builder
    .stream(INPUT, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((word) => word !== ''))
    .groupBy((_key, word) => word, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .count({ storeName: 'counts' })
    .toStream()
    .mapValues((count) => String(count))
    .to(OUTPUT, { keySerde: Serdes.String(), valueSerde: Serdes.String() });
  const topology = builder.build();
  console.log(topology.describe());

  const streams = new KafkaStreams(topology, {
    applicationId: process.env['GREGOR_STREAMS_APP_ID'] ?? 'streams-wordcount',
    bootstrap: BOOTSTRAP,
    ...(process.env['GREGOR_STREAMS_STATE_DIR'] === undefined ? {} : { stateDir: process.env['GREGOR_STREAMS_STATE_DIR'] }),
    commitIntervalMs: 1000,
    logger: createLogger({ component: 'word-count', stderr: true, level: 'info' }),
  });
  const stop = (): void => void streams.close().then(() => process.exit(streams.error === undefined ? 0 : 2));
  streams.onStateChange((next, prev) => {
    console.log(`state ${prev} -> ${next}`);
    if (next === 'ERROR') stop(); // the error is in the log
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await streams.start();
}

/** The input and output topics, 3 partitions each, unless they exist. */
async function createTopics(topics: string[]): Promise<void> {
  const client = createClient({ bootstrap: BOOTSTRAP, clientId: 'word-count-setup' });
  try {
    for (const topic of topics) {
      await client
        .admin()
        .createTopics([{ topic, numPartitions: 3 }])
        .catch((err: unknown) => {
          if (!(isGregorError(err) && err.errorName === 'TOPIC_ALREADY_EXISTS')) throw err;
        });
    }
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
