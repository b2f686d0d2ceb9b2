/**
 * examples/connect's file → topic → file configs, run as a real gregor-connect
 * process against a real 1-node cluster: every line arrives, in order; after a
 * graceful restart the source resumes from its stored offset (no line twice,
 * none lost); after kill -9 nothing is lost (lines since the last offset
 * flush may come twice: at least once, as Kafka's).
 * Needs the built dist (`pnpm build`).
 */
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { linesOf } from '../../packages/connect/test/helpers';
import { ConnectProcess, lines, ROOT } from './connect-process';
import { TestCluster } from './harness';

const EXAMPLES = path.join(ROOT, 'examples/connect');

describe('gregor-connect standalone: file → topic → file on a real cluster', () => {
  let cluster: TestCluster;
  let dir: string;
  let connect: ConnectProcess | undefined;

  beforeAll(async () => {
    cluster = await TestCluster.start(1);
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-connect-file-'));
    for (const f of ['connect-standalone.properties', 'connect-file-source.properties', 'connect-file-sink.properties']) copyFileSync(path.join(EXAMPLES, f), path.join(dir, f));
  });

  afterAll(async () => {
    await connect?.kill9().catch(() => undefined);
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const start = (): Promise<ConnectProcess> =>
    ConnectProcess.start(
      [
        'connect-standalone.properties', 'connect-file-source.properties', 'connect-file-sink.properties',
        '--override', `bootstrap.servers=${cluster.bootstrap().join(',')}`,
        '--override', 'listeners=http://127.0.0.1:0',
        '--override', 'offset.flush.interval.ms=300',
        '--override', 'metadata.max.age.ms=1000', // the sink may subscribe before the source created the topic
        '--override', 'consumer.session.timeout.ms=6000',
        '--override', 'consumer.heartbeat.interval.ms=500',
      ],
      { cwd: dir, readyFile: path.join(dir, 'ready.json') },
    );

  test('every line arrives; a graceful restart resumes exactly; kill -9 loses nothing', async () => {
    const input = path.join(dir, 'test.txt');
    const output = path.join(dir, 'test.sink.txt');
    appendFileSync(input, lines(0, 100).map((l) => `${l}\n`).join(''));
    connect = await start();
    const status = await fetch(`${connect.url}/connectors/local-file-source/status`).then((r) => r.json() as Promise<{ connector: { state: string } }>);
    expect(status.connector.state).toBe('RUNNING');
    await pollUntil(() => linesOf(output).length >= 100, { timeoutMs: 60_000, what: '100 lines in the sink file' });
    expect(linesOf(output)).toEqual(lines(0, 100));

    // Graceful: offsets are stored on stop, so nothing is read twice.
    expect(await connect.stop()).toBe(0);
    appendFileSync(input, lines(100, 200).map((l) => `${l}\n`).join(''));
    connect = await start();
    await pollUntil(() => linesOf(output).length >= 200, { timeoutMs: 60_000, what: '200 lines in the sink file' });
    expect(linesOf(output)).toEqual(lines(0, 200));

    // kill -9 while lines flow: at least once, first occurrences in order.
    for (let i = 200; i < 300; i += 10) appendFileSync(input, lines(i, i + 10).map((l) => `${l}\n`).join(''));
    await pollUntil(() => linesOf(output).length >= 210, { timeoutMs: 60_000, what: 'some of the new lines' });
    await connect.kill9();
    appendFileSync(input, lines(300, 350).map((l) => `${l}\n`).join(''));
    connect = await start();
    await pollUntil(() => new Set(linesOf(output)).size >= 350, { timeoutMs: 90_000, what: 'every one of 350 lines in the sink file' });
    const got = linesOf(output);
    const firsts = got.filter((l, i) => got.indexOf(l) === i);
    expect(firsts).toEqual(lines(0, 350));
    expect(await connect.stop()).toBe(0);
    connect = undefined;
  });
});
