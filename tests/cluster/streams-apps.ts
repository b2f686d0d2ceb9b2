/**
 * What the real-process streams tests share: a 3-node cluster with quick
 * failure detection, a temp root for the instances' state directories,
 * streams example processes started on it (killed in afterAll), and their
 * logs for failure messages. Call inside a describe: it registers the
 * beforeAll / afterAll.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnStreamsExample, STREAMS_EXAMPLES, type ExampleProcess } from '../documented/streams-process';
import { TestCluster } from './harness';

export interface StreamsApps {
  readonly cluster: TestCluster;
  readonly instances: readonly ExampleProcess[];
  /** Starts one instance of the example, its state under the temp root in `name`. */
  start(name: string, extraEnv?: Readonly<Record<string, string>>): ExampleProcess;
  /** The last output of every instance, for a failure message. */
  logs(): string;
}

export function useStreamsApps(example: string): StreamsApps {
  const file = path.join(STREAMS_EXAMPLES, `${example}.js`);
  let cluster: TestCluster | undefined;
  let stateRoot: string | undefined;
  const instances: ExampleProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` first`);
    stateRoot = mkdtempSync(path.join(tmpdir(), `gregor-streams-${example}-`));
    cluster = await TestCluster.start(3, { 'broker.heartbeat.interval.ms': '250', 'broker.session.timeout.ms': '2000', 'replica.lag.time.max.ms': '3000', 'group.initial.rebalance.delay.ms': '0' });
  });

  afterAll(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await cluster?.stop();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  return {
    get cluster(): TestCluster {
      if (cluster === undefined) throw new Error('the cluster is not up (beforeAll failed?)');
      return cluster;
    },
    instances,
    start(name, extraEnv) {
      const instance = spawnStreamsExample(example, [], { bootstrap: this.cluster.bootstrap().join(','), stateDir: path.join(stateRoot!, name), ...(extraEnv === undefined ? {} : { extra: extraEnv }) });
      instances.push(instance);
      return instance;
    },
    logs: () => instances.map((i, n) => `--- instance ${n + 1} ---\n${i.log().slice(-3000)}`).join('\n'),
  };
}
