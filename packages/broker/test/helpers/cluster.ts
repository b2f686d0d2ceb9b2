import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger, pollUntil, silentLogger, type Clock, type Logger } from '@gregor/common';
import { Broker, defaultBrokerConfig, type BrokerConfig } from '@gregor/broker';
import { batchSizeAt, lastOffsetOf, readBatchHeader } from '@gregor/record-batch';
import { LogStore, type PartitionLog } from '@gregor/storage';
import { FakeController, type FakeMetadataSource } from './fake-controller';
import { connect, type Client } from './grpc-client';

export interface ClusterNode {
  id: number;
  dir: string;
  metadata: FakeMetadataSource;
  store: LogStore | undefined;
  broker: Broker | undefined;
  client: Client | undefined;
}

/** GREGOR_TEST_LOG=debug|info shows the brokers' logs (one line per role/ISR change at info). */
function testLogger(nodeId: number): Logger {
  const level = process.env['GREGOR_TEST_LOG'];
  return level === undefined ? silentLogger() : createLogger({ level: level as 'info', nodeId, json: false });
}

/**
 * N brokers in this process, each with its own LogStore in a temp dir and
 * a view of one FakeController, serving real gRPC on port 0. Brokers can be
 * stopped (storage closed, as a crash after the last write would leave it)
 * and restarted on a new port over the same data.
 */
export class TestCluster {
  readonly controller: FakeController;
  readonly nodes = new Map<number, ClusterNode>();

  private constructor(
    private readonly overrides: Partial<BrokerConfig>,
    private readonly clock: Clock | undefined,
    private readonly loggerFor: (nodeId: number) => Logger = testLogger,
  ) {
    this.controller = new FakeController(clock);
  }

  /**
   * With `clock`, every broker runs on it and the fake controller answers
   * heartbeats on it (see FakeController): a `partition`ed broker then loses
   * contact with the quorum once the test advances it past the session.
   */
  /** `loggerFor`: each broker's logger (a test may spy on one); by default silent unless GREGOR_TEST_LOG is set. */
  static async start(size: number, overrides: Partial<BrokerConfig> = {}, opts: { clock?: Clock; loggerFor?: (nodeId: number) => Logger } = {}): Promise<TestCluster> {
    const cluster = new TestCluster(overrides, opts.clock, opts.loggerFor);
    for (let id = 1; id <= size; id++) {
      const dir = await mkdtemp(path.join(os.tmpdir(), `gregor-repl-${id}-`));
      cluster.nodes.set(id, { id, dir, metadata: cluster.controller.sourceFor(id), store: undefined, broker: undefined, client: undefined });
      await cluster.startBroker(id);
    }
    return cluster;
  }

  node(id: number): ClusterNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  broker(id: number): Broker {
    const b = this.node(id).broker;
    if (b === undefined) throw new Error(`broker ${id} is stopped`);
    return b;
  }

  client(id: number): Client {
    const c = this.node(id).client;
    if (c === undefined) throw new Error(`broker ${id} is stopped`);
    return c;
  }

  async startBroker(id: number): Promise<void> {
    const n = this.node(id);
    const logger = this.loggerFor(id);
    n.store = await LogStore.open({ dataDir: n.dir, logger });
    n.broker = await Broker.start({
      config: defaultBrokerConfig({ nodeId: id, retentionCheckIntervalMs: 3_600_000, shutdownGraceMs: 2000, ...this.overrides }),
      metadata: n.metadata,
      store: n.store,
      logger,
      ...(this.clock !== undefined ? { clock: this.clock } : {}),
    });
    n.client = connect(n.broker.address);
  }

  async stopBroker(id: number): Promise<void> {
    const n = this.node(id);
    n.client?.close();
    await n.broker?.stop();
    await n.store?.close();
    n.client = undefined;
    n.broker = undefined;
    n.store = undefined;
  }

  log(id: number, topic: string, partition: number): PartitionLog {
    const log = this.node(id).store?.getPartition(topic, partition);
    if (log === undefined) throw new Error(`node ${id} has no open log for ${topic}-${partition}`);
    return log;
  }

  /** Every batch of a replica's log, as stored. */
  async logBytes(id: number, topic: string, partition: number): Promise<Buffer> {
    const log = this.log(id, topic, partition);
    const chunks: Buffer[] = [];
    let offset = log.logStartOffset;
    const end = log.logEndOffset;
    while (offset < end) {
      const { records } = await log.read(offset, 1 << 20);
      if (records.length === 0) break;
      chunks.push(records);
      // The next batch starts after the last one read: find it from the headers.
      for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) offset = lastOffsetOf(readBatchHeader(records, pos)) + 1n;
    }
    return Buffer.concat(chunks);
  }

  /** Waits until every given replica's log end offset is `offset`. */
  async waitForLogEnd(ids: readonly number[], topic: string, partition: number, offset: bigint, timeoutMs = 20_000): Promise<void> {
    await pollUntil(() => ids.every((id) => this.node(id).store?.getPartition(topic, partition)?.logEndOffset === offset), {
      timeoutMs,
      what: `log end ${offset} of ${topic}-${partition} on nodes ${ids.join(',')}`,
    });
  }

  /** Waits until the controller's ISR for the partition is exactly `isr` (in replica order). */
  async waitForIsr(topic: string, partition: number, isr: readonly number[], timeoutMs = 20_000): Promise<void> {
    await pollUntil(() => JSON.stringify(this.controller.assignment(topic, partition).isr) === JSON.stringify(isr), {
      timeoutMs,
      what: `ISR of ${topic}-${partition} to become [${isr.join(',')}] (is [${this.controller.assignment(topic, partition).isr.join(',')}])`,
    });
  }

  async close(): Promise<void> {
    for (const id of this.nodes.keys()) await this.stopBroker(id);
    for (const n of this.nodes.values()) await rm(n.dir, { recursive: true, force: true });
  }
}
