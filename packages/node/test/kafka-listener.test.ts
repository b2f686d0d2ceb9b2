import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { API_VERSIONS_API, FrameDecoder, METADATA_API, decodeResponseFrame, encodeRequestFrame } from '@gregor/kafka-protocol';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { httpGet } from './helpers/client';

/** Sends one Metadata v1 request and reads the answer (after an ApiVersions v3, as librdkafka starts). */
async function metadataOverKafka(address: string): Promise<{ socket: net.Socket; brokers: { nodeId: number; host: string; port: number }[] }> {
  const [host, port] = address.split(':');
  const socket = net.connect({ host: host!, port: Number(port) });
  const decoder = new FrameDecoder();
  const frames: Buffer[] = [];
  socket.on('data', (c: Buffer) => frames.push(...decoder.push(c)));
  for (const c of encodeRequestFrame(API_VERSIONS_API, 3, { correlationId: 1, clientId: 'node-test' }, { clientSoftwareName: 't', clientSoftwareVersion: '1' })) socket.write(c);
  for (const c of encodeRequestFrame(METADATA_API, 1, { correlationId: 2, clientId: 'node-test' }, { topics: null })) socket.write(c);
  await pollUntil(() => frames.length === 2, { timeoutMs: 10_000, what: 'two answers on the KAFKA listener' });
  expect(decodeResponseFrame(API_VERSIONS_API, 3, frames[0]!).body.errorCode).toBe(0);
  const md = decodeResponseFrame(METADATA_API, 1, frames[1]!);
  expect(md.correlationId).toBe(2);
  return { socket, brokers: md.body.brokers };
}

describe('gregor-node with a KAFKA listener (in-process)', () => {
  let dir: string;
  let node: RunningNode | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-node-kafka-'));
  });
  afterEach(async () => {
    await node?.stop();
    node = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  test('serves Kafka’s protocol, advertises the KAFKA address (advertised.listeners included) and counts connections in /metrics', async () => {
    node = await startNode(
      nodeConfig({ 'log.dirs': dir, 'node.id': 3, listeners: 'CLIENT://127.0.0.1:0,HTTP://127.0.0.1:0,KAFKA://127.0.0.1:0', 'advertised.listeners': 'KAFKA://kafka.example:19392' }),
      { logger: silentLogger() },
    );
    expect(node.kafkaAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const { socket, brokers } = await metadataOverKafka(node.kafkaAddress!);
    try {
      expect(brokers).toEqual([{ nodeId: 3, host: 'kafka.example', port: 19392, rack: null }]);
      const metrics = (await httpGet(`${node.httpUrl}/metrics`)).body;
      expect(metrics).toMatch(/gregor_kafka_connections\{node="3"\} 1/);
      expect(metrics).toMatch(/gregor_requests_total\{service="client",api="ApiVersions",error="NONE",node="3"\} 1/);
      expect(metrics).toMatch(/gregor_requests_total\{service="client",api="Metadata",error="NONE",node="3"\} 1/);
    } finally {
      socket.destroy();
    }
  });

  test('without a KAFKA listener nothing listens and no KAFKA address is given', async () => {
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0' }), { logger: silentLogger() });
    expect(node.kafkaAddress).toBeUndefined();
    expect(node.broker!.kafkaPort).toBeUndefined();
  });
});
