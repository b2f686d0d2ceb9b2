/**
 * The HTTP push sink against a real local HTTP server that fails on purpose
 * (503s, a request left unanswered past the timeout, records it always
 * refuses), on a standalone worker with a real in-process node: every record
 * is delivered at least once, in order per partition, and the refused ones
 * land in the dead-letter topic with Kafka's __connect.errors.* headers.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor } from '@gregor/client';
import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { startStandalone, type StandaloneWorker } from '@gregor/connect';
import { http, testLogger } from './helpers';

interface Event {
  p: number;
  i: number;
  poison: boolean;
}

describe('HTTP push sink against a flaky receiver', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;
  let w: StandaloneWorker;
  let server: Server;
  let url: string;
  const acked: Event[] = [];
  const attempts = new Map<string, number>();
  const authSeen = new Set<string>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'connect-http-'));
    node = await startNode(
      nodeConfig({ 'log.dirs': path.join(dir, 'node'), listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 1 }),
      { logger: silentLogger() },
    );
    client = createClient({ bootstrap: node.clientAddress! });
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        authSeen.add(String(req.headers['authorization']));
        const e = JSON.parse(body) as Event;
        const id = `${e.p}:${e.i}`;
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        if (e.poison) return void res.writeHead(500).end('never');
        if (e.i % 3 === 0 && n === 1) return void res.writeHead(503).end('try later');
        if (e.i === 7 && n === 1) return; // no answer: the sink's timeout fires and it retries
        acked.push(e);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
    w = await startStandalone({
      workerProps: { 'bootstrap.servers': node.clientAddress!, listeners: 'http://127.0.0.1:0', 'offset.flush.interval.ms': '200' },
      logger: testLogger(),
    });
  });

  afterAll(async () => {
    await w?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await client?.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('2xx acks, failures retry with backoff, refused records are dead-lettered, order per partition holds', async () => {
    await client.admin().createTopics([{ topic: 'events', numPartitions: 3 }]);
    const producer = client.producer({ lingerMs: 0 });
    const sent: Event[] = [];
    for (let i = 0; i < 20; i++) for (let p = 0; p < 3; p++) sent.push({ p, i, poison: i === 11 && p === 1 });
    await producer.send({ topic: 'events', messages: sent.map((e) => ({ partition: e.p, value: JSON.stringify(e) })) });
    await producer.close();

    const created = await http(w.url, 'POST', '/connectors', {
      name: 'push',
      config: {
        'connector.class': 'HttpSink',
        topics: 'events',
        'http.url': url,
        'http.auth.header': 'Bearer s3cret',
        'http.timeout.ms': '300',
        'retry.max.attempts': '3',
        'retry.backoff.initial.ms': '10',
        'retry.backoff.max.ms': '50',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': 'events-dlq',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
    });
    expect(created.status).toBe(201);

    const good = sent.filter((e) => !e.poison);
    await pollUntil(() => good.every((e) => acked.some((a) => a.p === e.p && a.i === e.i)), { timeoutMs: 60_000, what: 'every good record acked' });
    for (let p = 0; p < 3; p++) {
      const got = acked.filter((a) => a.p === p).map((a) => a.i);
      const firsts = got.filter((i, k) => got.indexOf(i) === k);
      expect(firsts).toEqual(good.filter((e) => e.p === p).map((e) => e.i));
    }
    expect(attempts.get('1:11')).toBe(3); // the poison record: exactly retry.max.attempts tries
    expect(attempts.get('0:3')).toBe(2);
    expect(attempts.get('2:7')).toBe(2); // timed out once
    expect([...authSeen]).toEqual(['Bearer s3cret']);

    const dlq = await pollUntil(
      async () => {
        const r = await client.read({ topic: 'events-dlq', partition: 0, from: 'earliest', maxWaitMs: 200 }).catch(() => undefined);
        return r !== undefined && r.records.length > 0 ? r.records : undefined;
      },
      { timeoutMs: 30_000, what: 'the dead-lettered record' },
    );
    expect(dlq).toHaveLength(1);
    expect(JSON.parse(dlq[0]!.value!.toString())).toEqual({ p: 1, i: 11, poison: true });
    const headers = Object.fromEntries(dlq[0]!.headers.map((h) => [h.key, h.value?.toString()]));
    expect(headers).toMatchObject({
      '__connect.errors.topic': 'events',
      '__connect.errors.partition': '1',
      '__connect.errors.offset': '11',
      '__connect.errors.connector.name': 'push',
      '__connect.errors.stage': 'TASK_PUT',
      '__connect.errors.exception.class.name': 'HttpDeliveryError',
    });
    expect(headers['__connect.errors.exception.message']).toMatch(/HTTP 500/);

    // Offsets are committed past every settled record (delivered or dead-lettered).
    await pollUntil(
      async () => {
        const o = (await http(w.url, 'GET', '/connectors/push/offsets')).body.offsets as { offset: { kafka_offset: number } }[];
        return o.length === 3 && o.every((x) => x.offset.kafka_offset === 20);
      },
      { timeoutMs: 30_000, what: 'offsets committed to 20 on every partition' },
    );
  });
});
