/**
 * Kafka Connect's REST API, every endpoint with its status codes and bodies,
 * on a standalone worker against a real in-process gregor-node, with the real
 * FileStream connectors (file → topic → file) plus test connectors that fail
 * on purpose (automatic restarts).
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor } from '@gregor/client';
import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import {
  BUILTIN_CONNECTORS,
  ConfigDef,
  RetriableError,
  MemoryOffsetStore,
  SourceTaskRunner,
  startStandalone,
  type ConnectorPlugin,
  type SinkConnector,
  type SourceConnector,
  type SourceRecord,
  type StandaloneWorker,
} from '@gregor/connect';
import { http, linesOf, testLogger } from './helpers';

/** Polls fail while `failuresLeft` > 0 (shared by every task of the plugin). */
let failuresLeft = 0;
function flakySource(className: string): ConnectorPlugin {
  const connector = (): SourceConnector => ({
    type: 'source',
    version: () => '1',
    config: () => new ConfigDef({ topic: { type: 'string', importance: 'HIGH', doc: 'topic' } }),
    start: () => undefined,
    taskConfigs: () => [{}],
    stop: () => undefined,
    createTask: () => ({
      version: () => '1',
      start: () => undefined,
      poll: async (): Promise<SourceRecord[] | null> => {
        if (className.endsWith('Always') || failuresLeft-- > 0) throw new Error('poll failed on purpose');
        await new Promise((r) => setTimeout(r, 50));
        return null;
      },
      stop: () => undefined,
    }),
  });
  return { className, type: 'source', version: '1', create: connector };
}

/** A source whose second poll waits for the test; records every commit() with how many records poll() had returned by then. */
const gated = { release: (): void => undefined, waiting: false, polled: 0, commits: [] as number[] };
const GATED_SOURCE: ConnectorPlugin = {
  className: 'test.GatedSource',
  type: 'source',
  version: '1',
  create: (): SourceConnector => ({
    type: 'source',
    version: () => '1',
    config: () => new ConfigDef({}),
    start: () => undefined,
    taskConfigs: () => [{}],
    stop: () => undefined,
    createTask: () => ({
      version: () => '1',
      start: () => undefined,
      poll: async (): Promise<SourceRecord[] | null> => {
        if (gated.polled >= 1) {
          await new Promise<void>((resolve) => {
            gated.release = resolve;
            gated.waiting = true;
          });
        }
        gated.polled++;
        return [{ sourcePartition: { p: 0 }, sourceOffset: { n: gated.polled }, topic: 'gated', value: `r${gated.polled}`, valueSchema: { type: 'string' } }];
      },
      commit: () => void gated.commits.push(gated.polled),
      stop: () => undefined,
    }),
  }),
};

/** A sink whose put() throws RetriableError twice, then keeps what it gets; flush() counts. */
const retrying = { failuresLeft: 2, puts: 0, got: [] as string[], flushes: 0 };
const RETRYING_SINK: ConnectorPlugin = {
  className: 'test.RetryingSink',
  type: 'sink',
  version: '1',
  create: (): SinkConnector => ({
    type: 'sink',
    version: () => '1',
    config: () => new ConfigDef({}),
    start: () => undefined,
    taskConfigs: () => [{}],
    stop: () => undefined,
    createTask: () => ({
      version: () => '1',
      start: () => undefined,
      put: async (records) => {
        retrying.puts++;
        if (records.length > 0 && retrying.failuresLeft-- > 0) throw new RetriableError('not now');
        retrying.got.push(...records.map((r) => String(r.value)));
      },
      flush: async () => void retrying.flushes++,
      stop: () => undefined,
    }),
  }),
};

describe('REST API (standalone worker, in-process node)', () => {
  let dir: string;
  let node: RunningNode;
  let w: StandaloneWorker;
  let base: string;
  let client: Gregor;
  const call = (method: string, p: string, body?: unknown) => http(base, method, p, body);
  const status = async (name: string) => (await call('GET', `/connectors/${name}/status`)).body;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'connect-rest-'));
    node = await startNode(
      nodeConfig({ 'log.dirs': path.join(dir, 'node'), listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 1 }),
      { logger: silentLogger() },
    );
    w = await startStandalone({
      workerProps: {
        'bootstrap.servers': node.clientAddress!,
        listeners: 'http://127.0.0.1:0',
        'offset.storage.file.filename': path.join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '200',
        'metadata.max.age.ms': '500', // the sink may subscribe before the source created the topic
        'task.restart.backoff.initial.ms': '20',
        'task.restart.backoff.max.ms': '100',
        'task.restart.max.attempts': '3',
      },
      plugins: [...BUILTIN_CONNECTORS, flakySource('test.FlakySource'), flakySource('test.FlakySourceAlways'), GATED_SOURCE, RETRYING_SINK],
      logger: testLogger(),
    });
    base = w.url;
    client = createClient({ bootstrap: node.clientAddress! });
  });

  afterAll(async () => {
    await client?.close();
    await w?.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('GET / and the plugin endpoints', async () => {
    const root = await call('GET', '/');
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ version: expect.any(String), commit: expect.any(String) });
    expect(root.body.kafka_cluster_id).not.toBe('');

    const plugins = await call('GET', '/connector-plugins');
    expect(plugins.body).toContainEqual({ class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '1.0.0' });
    expect(plugins.body).toContainEqual({ class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '1.0.0' });

    const all = (await call('GET', '/connector-plugins?connectorsOnly=false')).body as { class: string; type: string }[];
    expect(all).toContainEqual(expect.objectContaining({ class: 'org.apache.kafka.connect.transforms.RegexRouter', type: 'transformation' }));
    expect(all).toContainEqual(expect.objectContaining({ class: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', type: 'predicate' }));
    expect(all).toContainEqual(expect.objectContaining({ class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter' }));

    const cfg = await call('GET', '/connector-plugins/FileStreamSink/config');
    expect(cfg.status).toBe(200);
    expect(cfg.body.map((k: { name: string }) => k.name)).toEqual(['file']);
    expect((await call('GET', '/connector-plugins/NoSuch/config')).status).toBe(404);
  });

  test('validate names every problem; a mismatched class is a 400', async () => {
    const v = await call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { 'connector.class': 'FileStreamSink', 'tasks.max': 'two' });
    expect(v.status).toBe(200);
    expect(v.body.name).toBe('FileStreamSinkConnector');
    expect(v.body.error_count).toBe(4); // name, tasks.max, topics, file
    const errorsOf = (key: string) => v.body.configs.find((c: any) => c.definition.name === key).value.errors;
    expect(errorsOf('file')).toEqual(['Missing required configuration "file" which has no default value.']);
    expect(errorsOf('topics')).toEqual(['Must configure one of topics or topics.regex']);
    expect(errorsOf('tasks.max')[0]).toMatch(/Invalid value two for configuration tasks.max/);
    const mismatch = await call('PUT', '/connector-plugins/FileStreamSink/config/validate', { 'connector.class': 'FileStreamSource' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error_code).toBe(400);
  });

  test('POST /connectors refuses invalid configs with every problem, 409 for a duplicate', async () => {
    const bad = await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSource', 'batch.size': '0' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe(400);
    expect(bad.body.message).toMatch(/contains the following 3 error\(s\)/);
    expect(bad.body.message).toMatch(/"file"/);
    expect(bad.body.message).toMatch(/"topic"/);
    expect(bad.body.message).toMatch(/batch.size/);

    expect((await call('POST', '/connectors', { name: 'x', config: {} })).body.message).toMatch(/contains no connector type/);
    expect((await call('POST', '/connectors', { name: 'x', config: { 'connector.class': 'Nope' } })).body.message).toMatch(/Failed to find any class .* Nope/);
    expect((await call('POST', '/connectors', { config: {} })).status).toBe(400);
    expect((await call('POST', '/connectors', '{not json')).status).toBe(400);
    expect((await call('GET', '/connectors')).body).toEqual([]);
  });

  test('file → topic → file, status, topics, tasks, pause/resume, offsets, delete', async () => {
    const input = path.join(dir, 'in.txt');
    const output = path.join(dir, 'out.txt');
    appendFileSync(input, 'one\ntwo\n');
    const created = await call('POST', '/connectors', {
      name: 'src',
      config: { 'connector.class': 'FileStreamSource', file: input, topic: 'lines' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'lines', name: 'src' }, tasks: [{ connector: 'src', task: 0 }], type: 'source' });
    expect((await call('POST', '/connectors', { name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'lines' } })).status).toBe(409);

    const sink = await call('PUT', '/connectors/sink/config', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: output, topics: 'lines' });
    expect(sink.status).toBe(201);
    await pollUntil(() => linesOf(output).length === 2, { timeoutMs: 30_000, what: 'the sink file to have 2 lines' });
    appendFileSync(input, 'three\n');
    await pollUntil(() => linesOf(output).length === 3, { timeoutMs: 30_000, what: 'the third line' });
    expect(linesOf(output)).toEqual(['one', 'two', 'three']);

    expect((await call('GET', '/connectors')).body).toEqual(['sink', 'src']);
    const expanded = (await call('GET', '/connectors?expand=status&expand=info')).body;
    expect(expanded.src.status.connector.state).toBe('RUNNING');
    expect(expanded.sink.info.type).toBe('sink');
    expect(await status('src')).toEqual({ name: 'src', connector: { state: 'RUNNING', worker_id: expect.stringMatching(/:\d+$/) }, tasks: [{ id: 0, state: 'RUNNING', worker_id: expect.any(String) }], type: 'source' });
    expect((await call('GET', '/connectors/src/topics')).body).toEqual({ src: { topics: ['lines'] } });
    expect((await call('PUT', '/connectors/src/topics/reset')).status).toBe(202);
    expect((await call('GET', '/connectors/src/topics')).body).toEqual({ src: { topics: [] } });
    expect((await call('GET', '/connectors/src/config')).body.topic).toBe('lines');
    expect((await call('GET', '/connectors/src/tasks')).body).toEqual([{ id: { connector: 'src', task: 0 }, config: { file: input, topic: 'lines', 'batch.size': '2000' } }]);
    expect((await call('GET', '/connectors/src/tasks/0/status')).body).toMatchObject({ id: 0, state: 'RUNNING' });
    expect((await call('GET', '/connectors/src/tasks/7/status')).status).toBe(404);
    expect((await call('POST', '/connectors/src/tasks/7/restart')).status).toBe(404);

    // Offsets: the source's byte position; the sink's committed consumer offsets.
    await pollUntil(async () => (await call('GET', '/connectors/src/offsets')).body.offsets[0]?.offset.position === 14, { timeoutMs: 10_000, what: 'the source offset after three lines' });
    expect((await call('GET', '/connectors/src/offsets')).body).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 14 } }] });
    await pollUntil(async () => (await call('GET', '/connectors/sink/offsets')).body.offsets[0]?.offset.kafka_offset === 3, { timeoutMs: 10_000, what: 'the sink offset' });
    expect((await call('GET', '/connectors/sink/offsets')).body).toEqual({ offsets: [{ partition: { kafka_topic: 'lines', kafka_partition: 0 }, offset: { kafka_offset: 3 } }] });

    // Pause and resume.
    expect((await call('PUT', '/connectors/src/pause')).status).toBe(202);
    expect(await status('src')).toMatchObject({ connector: { state: 'PAUSED' }, tasks: [{ state: 'PAUSED' }] });
    expect((await call('PUT', '/connectors/src/resume')).status).toBe(202);
    expect(await status('src')).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] });

    // Offsets change only while STOPPED (KIP-875); a reset source re-reads the file.
    const early = await call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: input }, offset: { position: 4 } }] });
    expect(early.status).toBe(400);
    expect(early.body.message).toMatch(/STOPPED state/);
    expect((await call('PUT', '/connectors/src/stop')).status).toBe(202);
    expect(await status('src')).toMatchObject({ connector: { state: 'STOPPED' }, tasks: [] });
    expect((await call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: input }, offset: { position: 4 } }] })).body).toEqual({ message: 'The offsets for this connector have been altered successfully' });
    expect((await call('PATCH', '/connectors/src/offsets', { nope: 1 })).status).toBe(400);
    expect((await call('PUT', '/connectors/src/resume')).status).toBe(202);
    await pollUntil(() => linesOf(output).length === 5, { timeoutMs: 30_000, what: 'lines from position 4 again' });
    expect(linesOf(output)).toEqual(['one', 'two', 'three', 'two', 'three']);

    expect((await call('PUT', '/connectors/src/stop')).status).toBe(202);
    expect((await call('DELETE', '/connectors/src/offsets')).body).toEqual({ message: 'The offsets for this connector have been reset successfully' });
    expect((await call('GET', '/connectors/src/offsets')).body).toEqual({ offsets: [] });

    // PUT replaces (200), PATCH merges (200), a name mismatch is a 400.
    const replaced = await call('PUT', '/connectors/src/config', { 'connector.class': 'FileStreamSource', file: input, topic: 'lines', 'batch.size': '10' });
    expect(replaced.status).toBe(200);
    const patched = await call('PATCH', '/connectors/src/config', { 'batch.size': '5' });
    expect(patched.status).toBe(200);
    expect(patched.body.config['batch.size']).toBe('5');
    expect((await call('PATCH', '/connectors/nope/config', { a: 'b' })).status).toBe(404);
    expect((await call('PUT', '/connectors/src/config', { name: 'other', 'connector.class': 'FileStreamSource' })).status).toBe(400);

    // Restarts.
    expect((await call('POST', '/connectors/sink/restart')).status).toBe(204);
    const planned = await call('POST', '/connectors/sink/restart?includeTasks=true');
    expect(planned.status).toBe(202);
    expect(planned.body).toMatchObject({ connector: { state: 'RESTARTING' }, tasks: [{ id: 0, state: 'RESTARTING' }] });
    expect((await call('POST', '/connectors/sink/tasks/0/restart')).status).toBe(204);
    await pollUntil(async () => (await status('sink')).tasks[0]?.state === 'RUNNING', { timeoutMs: 10_000, what: 'the restarted sink task' });

    expect((await call('DELETE', '/connectors/src')).status).toBe(204);
    expect((await call('DELETE', '/connectors/sink')).status).toBe(204);
    const gone = await call('GET', '/connectors/src');
    expect(gone).toEqual({ status: 404, body: { error_code: 404, message: 'Connector src not found' } });
    expect((await call('DELETE', '/connectors/src')).status).toBe(404);
  });

  test('unknown paths are 404 and wrong methods 405, as JSON errors', async () => {
    expect(await call('GET', '/nope')).toEqual({ status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } });
    expect(await call('DELETE', '/connector-plugins')).toEqual({ status: 405, body: { error_code: 405, message: 'HTTP 405 Method Not Allowed' } });
    // The internal request of distributed mode (task configs to the leader), as Kafka's standalone herder answers it.
    expect(await call('POST', '/connectors/x/tasks', [])).toEqual({ status: 500, body: { error_code: 500, message: 'Kafka Connect in standalone mode does not support externally setting task configurations.' } });
  });

  test('a failed task restarts by itself with backoff; one that keeps failing stays FAILED with its trace', async () => {
    failuresLeft = 2;
    expect((await call('POST', '/connectors', { name: 'flaky', config: { 'connector.class': 'test.FlakySource', topic: 't' } })).status).toBe(201);
    await pollUntil(async () => failuresLeft < 0 && (await status('flaky')).tasks[0]?.state === 'RUNNING', { timeoutMs: 10_000, what: 'the flaky task to run after two failures' });

    expect((await call('POST', '/connectors', { name: 'doomed', config: { 'connector.class': 'test.FlakySourceAlways', topic: 't' } })).status).toBe(201);
    const failed = await pollUntil(
      async () => {
        const s = await status('doomed');
        return s.tasks[0]?.state === 'FAILED' ? s : undefined;
      },
      { timeoutMs: 10_000, what: 'the doomed task to fail' },
    );
    expect(failed.tasks[0].trace).toMatch(/poll failed on purpose/);
    // After the attempts run out it stays failed; restart?onlyFailed brings it back for another round.
    const again = await call('POST', '/connectors/doomed/restart?includeTasks=true&onlyFailed=true');
    expect(again.status).toBe(202);
    expect(again.body.connector.state).toBe('RUNNING'); // only failed instances restart
    expect(again.body.tasks[0].state).toBe('RESTARTING');
    await call('DELETE', '/connectors/doomed');
    await call('DELETE', '/connectors/flaky');
  });

  test('a task stopped mid-poll: its last records are dropped, their offsets not stored, commit() not called for them', async () => {
    // The runner itself, so that stop() is requested (synchronously) before the poll returns.
    const offsets = new MemoryOffsetStore();
    const runner = new SourceTaskRunner({
      connector: 'gated', taskId: 0, plugin: GATED_SOURCE, connectorProps: { name: 'gated' }, taskProps: {},
      worker: w.settings, client, offsets, logger: silentLogger(), onState: () => undefined, onTopic: () => undefined,
    });
    runner.start(false);
    await pollUntil(() => gated.waiting, { timeoutMs: 10_000, what: 'the second poll to wait' });
    const stopped = runner.stop();
    gated.release(); // the second poll returns a record while the task is stopping
    await stopped;
    expect(gated.polled).toBe(2);
    expect(gated.commits).not.toContain(2);
    expect(offsets.all('gated')).toEqual([{ partition: { p: 0 }, offset: { n: 1 } }]);
  });

  test('an exactly-once source task reads its offsets after fencing its predecessor, not before (KIP-618)', async () => {
    // The store's catchUp stands for the offsets topic read to its end: what a
    // predecessor's transaction, committing when it died, wrote becomes
    // visible only once initTransactions has waited that transaction out.
    const calls: string[] = [];
    const offsets = new MemoryOffsetStore();
    const store = Object.assign(offsets, {
      transactional: {
        records: (_connector: string, entries: readonly { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[]) => ({ topic: 'eos-offsets', messages: entries.map((e) => ({ key: JSON.stringify(e.partition), value: JSON.stringify(e.offset) })) }),
        committed: () => undefined,
        catchUp: async () => {
          calls.push('catchUp');
          await offsets.set('eos-src', [{ partition: { p: 0 }, offset: { n: 41 } }]);
        },
      },
    });
    let seenAtStart: unknown = 'not started';
    const plugin: ConnectorPlugin = {
      ...GATED_SOURCE,
      className: 'test.EosOffsetsSource',
      create: () => ({
        ...(GATED_SOURCE.create() as SourceConnector),
        createTask: () => ({
          version: () => '1',
          start: (_props: Record<string, string>, ctx: { offsetStorageReader: { offset(p: Record<string, unknown>): unknown } }) => {
            seenAtStart = ctx.offsetStorageReader.offset({ p: 0 });
          },
          poll: async () => {
            await new Promise((r) => setTimeout(r, 20));
            return null;
          },
          stop: () => undefined,
        }),
      }),
    };
    const runner = new SourceTaskRunner({
      connector: 'eos-src', taskId: 0, plugin, connectorProps: { name: 'eos-src' }, taskProps: {},
      worker: { ...w.settings, exactlyOnceSource: { transactionalIdPrefix: 'rest-test-' } }, client, offsets: store, logger: silentLogger(), onState: () => undefined, onTopic: () => undefined,
    });
    runner.start(false);
    await pollUntil(() => seenAtStart !== 'not started', { timeoutMs: 30_000, what: 'the exactly-once task to start' });
    await runner.stop();
    expect(calls).toEqual(['catchUp']);
    expect(seenAtStart).toEqual({ n: 41 });
  });

  test('a put that throws RetriableError gets the same records again; offsets are committed after flush', async () => {
    const producer = client.producer({ lingerMs: 0 });
    await client.admin().createTopics([{ topic: 'retry-in' }]);
    await producer.send({ topic: 'retry-in', messages: ['a', 'b', 'c'].map((v) => ({ value: v })) });
    await producer.close();
    const created = await call('POST', '/connectors', {
      name: 'retrying',
      config: { 'connector.class': 'test.RetryingSink', topics: 'retry-in', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'errors.retry.delay.max.ms': '50' },
    });
    expect(created.status).toBe(201);
    await pollUntil(async () => (await call('GET', '/connectors/retrying/offsets')).body.offsets[0]?.offset.kafka_offset === 3, { timeoutMs: 20_000, what: 'offsets committed after the retried put' });
    expect(retrying.got).toEqual(['a', 'b', 'c']);
    expect(retrying.failuresLeft).toBeLessThan(0);
    expect(retrying.flushes).toBeGreaterThan(0);
    await call('DELETE', '/connectors/retrying');
  });
});
