/**
 * Three `gregor-connect distributed` workers on a real 3-node cluster: a
 * file source and a 2-task file sink created through one worker's REST API
 * are spread over the workers; any worker shows the same status; after
 * kill -9 of the worker running the source task, its work moves to the
 * others once the session times out, and every line reaches the sink file
 * (at least once, as Kafka's); stop/resume and a delete through a survivor
 * reach every worker. Workers run Kafka's default protocol, sessioned
 * (KIP-507): an unsigned or wrongly signed internal request is refused. A
 * worker whose group.id names a live consumer group
 * exits 2 naming INCONSISTENT_GROUP_PROTOCOL. Needs the built dist (`pnpm build`).
 */
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import { linesOf } from '../../packages/connect/test/helpers';
import { ConnectProcess, connectorStatus as statusOf, lines, restOutsideRebalance, ROOT, startDistributedWorker, type ConnectorStatus as Status } from './connect-process';
import { TestCluster } from './harness';


describe('gregor-connect distributed: 3 workers, file → topic → file, kill -9 of a worker', () => {
  let cluster: TestCluster;
  let dir: string;
  const workers: ConnectProcess[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-connect-dist-'));
    copyFileSync(path.join(ROOT, 'examples/connect/connect-distributed.properties'), path.join(dir, 'worker.properties'));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill9().catch(() => undefined)));
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // Kafka's default protocol, sessioned (KIP-507: task configs reach the leader in signed internal requests);
  // CONNECT_PROTOCOL=eager|compatible runs the same test with those (the other Connect tests use compatible).
  const protocol = process.env['CONNECT_PROTOCOL'] ?? 'sessioned';
  // A 3 s scheduled rebalance delay: the killed worker's units are held, then move when nobody comes back.
  const startWorker = (i: number): Promise<ConnectProcess> =>
    startDistributedWorker(dir, i, cluster.bootstrap(), ['scheduled.rebalance.max.delay.ms=3000', `connect.protocol=${protocol}`]);

  const allRunning = (s: Status | undefined, tasks: number): boolean =>
    s !== undefined && s.connector.state === 'RUNNING' && s.tasks.length === tasks && s.tasks.every((t) => t.state === 'RUNNING');

  // Its waits add up past jest's default under load (each is a deadline, not a sleep).
  test('connectors and tasks spread over the workers; a killed worker’s tasks move; no line lost', async () => {
    workers.push(...(await Promise.all([0, 1, 2].map(startWorker))));
    const input = path.join(dir, 'in.txt');
    const output = path.join(dir, 'out.txt');
    appendFileSync(input, lines(0, 100).map((l) => `${l}\n`).join(''));

    // 409 while the group rebalances (a worker joined): retried, as Kafka's clients must.
    const post = (body: unknown): Promise<number> => restOutsideRebalance(`${workers[1]!.url}/connectors`, 'POST', body);
    expect(await post({ name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'dist-lines', 'tasks.max': '1' } })).toBe(201);
    expect(await post({ name: 'sink', config: { 'connector.class': 'FileStreamSink', file: output, topics: 'dist-lines', 'tasks.max': '2' } })).toBe(201);
    expect(await post({ name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'x' } })).toBe(409);
    if (protocol === 'sessioned') {
      // The internal request writing task configs (forwarded to the leader) needs the session key's signature.
      const internal = async (headers: Record<string, string>): Promise<{ status: number; message: string }> => {
        const res = await fetch(`${workers[2]!.url}/connectors/src/tasks`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '[{"file":"/etc/passwd"}]' });
        return { status: res.status, message: ((await res.json()) as { message: string }).message };
      };
      const answer = (headers: Record<string, string>): Promise<{ status: number; message: string }> =>
        pollUntil(async () => { const a = await internal(headers); return a.status === 409 ? undefined : a; }, { timeoutMs: 30_000, what: 'an answer outside a rebalance' });
      expect(await answer({})).toEqual({ status: 400, message: 'Internal request missing required signature' });
      expect(await answer({ 'X-Connect-Authorization': Buffer.alloc(32).toString('base64'), 'X-Connect-Request-Signature-Algorithm': 'HmacSHA256' })).toEqual({ status: 403, message: 'Internal request contained invalid signature.' });
    }

    // Every worker answers from its copy of the config and status topics, and all agree.
    const [src, sink] = await pollUntil(
      async () => {
        const views = await Promise.all(workers.map(async (w) => [await statusOf(w.url, 'src'), await statusOf(w.url, 'sink')] as const));
        const ok = views.every(([s, k]) => allRunning(s, 1) && allRunning(k, 2)) && views.every((v) => JSON.stringify(v) === JSON.stringify(views[0]));
        return ok ? views[0] : undefined;
      },
      { timeoutMs: 90_000, what: 'both connectors RUNNING with their tasks, seen alike by every worker' },
    );
    const placedOn = new Set([src!.connector.worker_id, sink!.connector.worker_id, ...src!.tasks.map((t) => t.worker_id), ...sink!.tasks.map((t) => t.worker_id)]);
    expect(placedOn.size).toBe(3); // 5 units over 3 workers, round robin
    await pollUntil(() => new Set(linesOf(output)).size >= 100, { timeoutMs: 60_000, what: '100 lines in the sink file' });

    // kill -9 the worker running the source task while lines flow.
    const victimId = src!.tasks[0]!.worker_id;
    const victim = workers.find((w) => w.url.endsWith(victimId))!;
    for (let i = 100; i < 200; i += 10) appendFileSync(input, lines(i, i + 10).map((l) => `${l}\n`).join(''));
    await victim.kill9();
    workers.splice(workers.indexOf(victim), 1);
    appendFileSync(input, lines(200, 300).map((l) => `${l}\n`).join(''));

    const moved = await pollUntil(
      async () => {
        const s = await statusOf(workers[0]!.url, 'src');
        const k = await statusOf(workers[0]!.url, 'sink');
        const ids = [s, k].flatMap((x) => (x === undefined ? [] : [x.connector.worker_id, ...x.tasks.map((t) => t.worker_id)]));
        return allRunning(s, 1) && allRunning(k, 2) && !ids.includes(victimId) ? s : undefined;
      },
      { timeoutMs: 90_000, what: "the killed worker's connectors and tasks RUNNING on the others" },
    );
    expect(moved.tasks[0]!.worker_id).not.toBe(victimId);
    await pollUntil(() => new Set(linesOf(output)).size >= 300, { timeoutMs: 90_000, what: 'every one of 300 lines in the sink file' });
    expect([...new Set(linesOf(output))].sort()).toEqual(lines(0, 300).sort());

    // Stop and resume through a survivor: STOPPED has no tasks, resuming places them again and the source goes on.
    const put = (url: string, p: string): Promise<number> => restOutsideRebalance(`${url}${p}`, 'PUT');
    expect(await put(workers[0]!.url, '/connectors/src/stop')).toBe(202);
    await pollUntil(async () => (await statusOf(workers[1]!.url, 'src'))?.connector.state === 'STOPPED', { timeoutMs: 30_000, what: 'src STOPPED' });
    appendFileSync(input, lines(300, 320).map((l) => `${l}\n`).join(''));
    expect(await put(workers[0]!.url, '/connectors/src/resume')).toBe(202);
    await pollUntil(async () => allRunning(await statusOf(workers[1]!.url, 'src'), 1), { timeoutMs: 60_000, what: 'src RUNNING again with its task' });
    await pollUntil(() => new Set(linesOf(output)).size >= 320, { timeoutMs: 60_000, what: 'the 20 lines written while src was stopped' });
    expect([...new Set(linesOf(output))].sort()).toEqual(lines(0, 320).sort());

    // A delete through either surviving worker (forwarded to the leader when it is not one) reaches every worker.
    const del = await restOutsideRebalance(`${workers[1]!.url}/connectors/sink`, 'DELETE');
    expect(del).toBe(204);
    await pollUntil(
      async () => (await Promise.all(workers.map(async (w) => (await fetch(`${w.url}/connectors`).then((r) => r.json())) as string[]))).every((n) => JSON.stringify(n) === '["src"]'),
      { timeoutMs: 30_000, what: 'every worker to list only src' },
    );

    for (const w of workers.splice(0)) expect(await w.stop()).toBe(0);
  }, 300_000);

  test('a group.id that names a live consumer group: the worker exits 2 naming INCONSISTENT_GROUP_PROTOCOL', async () => {
    const client = createClient({ bootstrap: cluster.bootstrap() });
    const consumer = client.consumer({ groupId: 'taken-by-consumers', sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 });
    let keepPolling: NodeJS.Timeout | undefined;
    try {
      await client.admin().createTopics([{ topic: 'taken-topic', numPartitions: 1 }]);
      consumer.subscribe(['taken-topic']);
      await pollUntil(
        async () => {
          await consumer.poll({ timeoutMs: 200 });
          return consumer.assignment().length > 0;
        },
        { timeoutMs: 30_000, what: 'the consumer to be in its group' },
      );
      const start = ConnectProcess.start(
        ['distributed', 'worker.properties', '--override', `bootstrap.servers=${cluster.bootstrap().join(',')}`, '--override', 'listeners=http://127.0.0.1:0', '--override', 'group.id=taken-by-consumers'],
        { cwd: dir, readyFile: path.join(dir, 'ready-taken.json'), timeoutMs: 60_000 },
      );
      keepPolling = setInterval(() => void consumer.poll({ timeoutMs: 0 }).catch(() => undefined), 200);
      await expect(start).rejects.toThrow(/exited with 2[\s\S]*INCONSISTENT_GROUP_PROTOCOL/);
    } finally {
      clearInterval(keepPolling);
      await consumer.close();
      await client.close();
    }
  });
});
