import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Clock } from '@gregor/common';
import { Broker, LocalMetadataStore, defaultBrokerConfig, type BrokerConfig } from '@gregor/broker';
import { connect, type Client } from './grpc-client';
import { MemoryStore } from './memory-store';

export interface Harness {
  broker: Broker;
  client: Client;
  store: MemoryStore;
  metadata: LocalMetadataStore;
  dir: string;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<BrokerConfig> = {}, clock?: Clock): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-broker-'));
  const store = new MemoryStore();
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
      await rm(dir, { recursive: true, force: true });
    },
  };
}
