import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Clock } from '@gregor/common';
import { Broker, LocalMetadataStore, defaultBrokerConfig, type BrokerConfig } from '@gregor/broker';
import { LogStore, type PartitionLog } from '@gregor/storage';
import { connect, type Client } from './grpc-client';
import { InstrumentedStore } from './instrumented-store';

export interface Harness {
  broker: Broker;
  client: Client;
  store: InstrumentedStore<PartitionLog>;
  metadata: LocalMetadataStore;
  dir: string;
  close(): Promise<void>;
}

/** A broker on port 0 over real storage and metadata in a temp dir. */
export async function startHarness(overrides: Partial<BrokerConfig> = {}, clock?: Clock): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-broker-'));
  const logStore = await LogStore.open({ dataDir: dir, ...(clock !== undefined ? { clock } : {}) });
  const store = new InstrumentedStore(logStore);
  const metadata = await LocalMetadataStore.open({ dir, nodeId: 1 });
  const broker = await Broker.start({
    config: defaultBrokerConfig({ retentionCheckIntervalMs: 3_600_000, ...overrides }),
    metadata,
    store,
    ...(clock !== undefined ? { clock } : {}),
  });
  const client = connect(`127.0.0.1:${broker.port}`);
  return {
    broker,
    client,
    store,
    metadata,
    dir,
    close: async () => {
      client.close();
      await broker.stop();
      await logStore.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
