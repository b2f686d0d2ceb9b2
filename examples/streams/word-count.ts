/**
 * Word count with @gregor/streams: lines from `streams-plaintext-input`,
 * the running count per word to `streams-wordcount-output` (key = word,
 * value = the count as text, so `gregor consume --print-key` shows it).
 * Start several copies: instances with the same application id share the
 * input partitions; stopping one hands its tasks to the others.
 *
 *   node examples/dist/streams/word-count.js        # Ctrl-C to stop
 *
 * GREGOR_BOOTSTRAP, GREGOR_STREAMS_STATE_DIR (default: a temp dir) and
 * GREGOR_STREAMS_APP_ID (default streams-wordcount) configure it.
 */
import { Serdes, StreamsBuilder } from '@gregor/streams';
import { createTopics, exitOnError, runStreams } from './run';

const INPUT = 'streams-plaintext-input';
const OUTPUT = 'streams-wordcount-output';

async function main(): Promise<void> {
  await createTopics([INPUT, OUTPUT]);
  const S = Serdes.String();
  const builder = new StreamsBuilder();
  builder
    .stream(INPUT, { keySerde: S, valueSerde: S })
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((word) => word !== ''))
    .groupBy((_key, word) => word, { keySerde: S, valueSerde: S })
    .count({ storeName: 'counts' })
    .toStream()
    .mapValues((count) => String(count))
    .to(OUTPUT, { keySerde: S, valueSerde: S });
  await runStreams(builder.build(), 'streams-wordcount');
}

main().catch(exitOnError);
