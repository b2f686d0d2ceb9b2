import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogStore } from '@gregor/storage';
import { Broker, LocalMetadataStore, defaultBrokerConfig, type BrokerObserver } from '@gregor/broker';
import { KafkaTestClient } from './kafka-client';

export interface KafkaBroker {
  dir: string;
  store: LogStore;
  broker: Broker;
  client: KafkaTestClient;
  stop(): Promise<void>;
}

/** One broker in a temp dir with a KAFKA listener on a free port, and a client connected to it. */
export async function startKafkaBroker(config: Partial<Parameters<typeof defaultBrokerConfig>[0]>, observer?: BrokerObserver): Promise<KafkaBroker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-kafka-'));
  const store = await LogStore.open({ dataDir: dir });
  const metadata = await LocalMetadataStore.open({ dir, nodeId: 1 });
  const broker = await Broker.start({
    config: defaultBrokerConfig({ retentionCheckIntervalMs: 3_600_000, kafkaListener: { host: '127.0.0.1', port: 0 }, ...config }),
    metadata,
    store,
    ...(observer !== undefined ? { observer } : {}),
  });
  const client = await KafkaTestClient.connect(broker.kafkaPort!);
  return {
    dir,
    store,
    broker,
    client,
    async stop() {
      client.close();
      await broker.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

