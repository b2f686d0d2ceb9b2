/** What every streams example does around its topology: topics, start, stop on a signal. */
import { createClient, isGregorError } from '@gregor/client';
import { createLogger, LOG_LEVELS, type LogLevel } from '@gregor/common';
import { KafkaStreams, type StreamsConfig, type Topology } from '@gregor/streams';
import { BOOTSTRAP } from '../env';

/** Creates the topics (3 partitions each) unless they exist. */
export async function createTopics(topics: readonly string[]): Promise<void> {
  const client = createClient({ bootstrap: BOOTSTRAP, clientId: 'streams-example-setup' });
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

/**
 * Prints the topology, starts it, prints state changes, and closes it on
 * SIGINT/SIGTERM (exit 0) or when it fails (exit 2, the error is logged).
 * GREGOR_STREAMS_STATE_DIR and GREGOR_STREAMS_APP_ID override the state
 * directory and the application id; GREGOR_STREAMS_STANDBY_REPLICAS sets
 * numStandbyReplicas (default 0); GREGOR_STREAMS_PROCESSING_GUARANTEE the
 * processingGuarantee (at_least_once, the default, or exactly_once_v2);
 * GREGOR_LOG_LEVEL the log level (error, warn, info — the default — or debug).
 */
export async function runStreams(topology: Topology, defaultApplicationId: string): Promise<KafkaStreams> {
  console.log(topology.describe());
  const stateDir = process.env['GREGOR_STREAMS_STATE_DIR'];
  const streams = new KafkaStreams(topology, {
    applicationId: process.env['GREGOR_STREAMS_APP_ID'] ?? defaultApplicationId,
    bootstrap: BOOTSTRAP,
    ...(stateDir === undefined ? {} : { stateDir }),
    commitIntervalMs: 1000,
    numStandbyReplicas: Number(process.env['GREGOR_STREAMS_STANDBY_REPLICAS'] ?? '0'),
    // KafkaStreams refuses another value with INVALID_CONFIG naming it.
    processingGuarantee: (process.env['GREGOR_STREAMS_PROCESSING_GUARANTEE'] ?? 'at_least_once') as StreamsConfig['processingGuarantee'],
    logger: createLogger({ component: defaultApplicationId, stderr: true, level: logLevel() }),
  });
  const stop = (): void => void streams.close().then(() => process.exit(streams.error === undefined ? 0 : 2));
  streams.onStateChange((next, prev) => {
    console.log(`state ${prev} -> ${next}`);
    if (next === 'ERROR') stop();
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await streams.start();
  return streams;
}

/** GREGOR_LOG_LEVEL, default info; another value stops the example with a clear message. */
function logLevel(): LogLevel {
  const level = process.env['GREGOR_LOG_LEVEL'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) exitOnError(`GREGOR_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${level}"`);
  return level as LogLevel;
}

export function exitOnError(err: unknown): never {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
}
