import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@gregor/common';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { call, connect, createTopic, httpGet, produce, readAll } from './helpers/client';

describe('startNode (in-process, real storage)', () => {
  let dir: string;
  let node: RunningNode | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-node-'));
  });
  afterEach(async () => {
    await node?.stop();
    node = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const config = () => nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0,HTTP://127.0.0.1:0', 'node.id': 4 });

  test('serves gRPC, health, readiness and metrics; topics and data survive a restart', async () => {
    node = await startNode(config(), { logger: silentLogger() });
    expect(node.isReady()).toBe(true);
    expect((await httpGet(`${node.httpUrl}/healthz`)).status).toBe(200);
    expect((await httpGet(`${node.httpUrl}/readyz`)).status).toBe(200);
    expect((await httpGet(`${node.httpUrl}/nope`)).status).toBe(404);
    let client = connect(node.clientAddress!);
    await createTopic(client, 'persist', 2);
    await produce(client, 'persist', ['a', 'b']);
    await produce(client, 'persist', ['c'], -1);
    expect(await readAll(client, 'persist')).toEqual(['a', 'b', 'c']);
    const metrics = (await httpGet(`${node.httpUrl}/metrics`)).body;
    expect(metrics).toMatch(/gregor_requests_total\{service="client",api="Produce",error="NONE",node="4"\} 2/);
    expect(metrics).toMatch(/gregor_records_in_total\{topic="persist",node="4"\} 3/);
    expect(metrics).toMatch(/gregor_records_out_total\{topic="persist",node="4"\} 3/);
    expect(metrics).toContain('process_cpu_user_seconds_total');
    // The memory budget: the store's components with their configured bounds (docs/DESIGN.md §12).
    expect(metrics).toMatch(/gregor_memory_budget_bytes\{component="tail_cache",node="4"\} 67108864/);
    expect(metrics).toMatch(/gregor_memory_budget_bytes\{component="leveldb",node="4"\} 142606336/);
    expect(metrics).toMatch(/gregor_memory_bytes\{component="leveldb",node="4"\} [1-9]/);
    if (process.platform === 'linux') expect(metrics).toMatch(/gregor_memory_bytes\{component="anonymous",node="4"\} [1-9]/);
    const clusterId = node.clusterId;
    const topicId = (await call(client, 'Metadata', { topics: ['persist'] })).topics[0].topicId;
    client.close();
    await node.stop();
    expect(node.isReady()).toBe(false);

    node = await startNode(config(), { logger: silentLogger() });
    client = connect(node.clientAddress!);
    try {
      expect(node.clusterId).toBe(clusterId);
      const md = await call(client, 'Metadata', { topics: ['persist'] });
      expect(md.topics[0].topicId).toBe(topicId);
      expect(md.topics[0].partitions).toHaveLength(2);
      expect(await readAll(client, 'persist')).toEqual(['a', 'b', 'c']);
      expect(await produce(client, 'persist', ['d'])).toBe('3');
      const latest = await call(client, 'ListOffsets', { topics: [{ name: 'persist', partitions: [{ partition: 0, timestamp: '-1' }] }] });
      expect(latest.topics[0].partitions[0].offset).toBe('4');
    } finally {
      client.close();
    }
  });

  test('/debug/latency: only with debug.latency.trace; each call answers the window since the previous one', async () => {
    node = await startNode(config(), { logger: silentLogger() });
    expect((await httpGet(`${node.httpUrl}/debug/latency`)).status).toBe(404);
    await node.stop();
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0,HTTP://127.0.0.1:0', 'node.id': 4, 'debug.latency.trace': true }), {
      logger: silentLogger(),
    });
    const client = connect(node.clientAddress!);
    try {
      await createTopic(client, 'traced', 1);
      await httpGet(`${node.httpUrl}/debug/latency`); // a fresh window
      expect(await produce(client, 'traced', ['a', 'b'])).toBe('0');
      expect(await produce(client, 'traced', ['c'], -1)).toBe('2');
      const first = JSON.parse((await httpGet(`${node.httpUrl}/debug/latency`)).body);
      expect(first.nodeId).toBe(4);
      expect(first.produces).toEqual([
        expect.objectContaining({ topic: 'traced', partition: 0, baseOffset: '0', endOffset: '2', replicatedMs: null }),
        expect.objectContaining({ topic: 'traced', partition: 0, baseOffset: '2', endOffset: '3' }),
      ]);
      for (const p of first.produces) {
        expect(p.receivedMs).toBeLessThanOrEqual(p.appendedMs);
        expect(p.appendedMs).toBeLessThanOrEqual(p.writtenMs);
        expect(p.writtenMs).toBeLessThanOrEqual(p.answeredMs);
      }
      // A single replica: the HW passes each batch once it is written (acks=1 too).
      for (const p of first.produces) expect(p.highWatermarkMs).toBeGreaterThanOrEqual(p.writtenMs);
      expect(first.eventLoopDelayMs).toEqual(expect.objectContaining({ p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) }));
      expect(first.gc).toEqual(expect.objectContaining({ count: expect.any(Number), totalMs: expect.any(Number) }));
      expect(first.toMs).toBeGreaterThan(first.fromMs);
      const second = JSON.parse((await httpGet(`${node.httpUrl}/debug/latency`)).body);
      expect(second.produces).toEqual([]);
      expect(second.fromMs).toBe(first.toMs);
    } finally {
      client.close();
    }
  });

  test('a second node on the same data dir fails to start and the first keeps serving', async () => {
    node = await startNode(config(), { logger: silentLogger() });
    await expect(startNode(config(), { logger: silentLogger() })).rejects.toThrow();
    const client = connect(node.clientAddress!);
    try {
      await createTopic(client, 'still');
      expect(await produce(client, 'still', ['ok'])).toBe('0');
    } finally {
      client.close();
    }
  });
});
