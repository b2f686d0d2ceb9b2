import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { httpGet } from './helpers/client';

type HealthClient = grpc.Client & {
  check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
  watch(req: { service: string }): grpc.ClientReadableStream<{ status: string }>;
};

function healthClient(address: string): HealthClient {
  const Ctor = grpc.makeGenericClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');
  return new Ctor(address, grpc.credentials.createInsecure()) as unknown as HealthClient;
}

function check(client: HealthClient, service: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.check({ service }, { deadline: Date.now() + 5000 }, (err, res) => (err !== null ? reject(err) : resolve(res!.status)));
  });
}

describe('grpc.health.v1.Health on the client listener', () => {
  let dir: string;
  let node: RunningNode | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-health-'));
  });
  afterEach(async () => {
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('Check and Watch follow readiness; stopping says NOT_SERVING and ends Watch streams', async () => {
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0,HTTP://127.0.0.1:0' }), { logger: silentLogger() });
    const client = healthClient(node.clientAddress!);
    try {
      expect((await httpGet(`${node.httpUrl}/readyz`)).status).toBe(200);
      await pollUntil(async () => (await check(client, '')) === 'SERVING', { timeoutMs: 5000, what: 'Check to say SERVING' });
      expect(await check(client, 'gregor.v1.Gregor')).toBe('SERVING');
      await expect(check(client, 'no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });

      const seen: string[] = [];
      const stream = client.watch({ service: 'gregor.v1.Gregor' });
      const ended = new Promise<void>((resolve) => {
        stream.on('data', (m: { status: string }) => seen.push(m.status));
        stream.on('error', () => resolve());
        stream.on('end', () => resolve());
      });
      await pollUntil(() => seen.includes('SERVING'), { timeoutMs: 5000, what: 'Watch to report SERVING' });

      await node.stop();
      await ended;
      expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    } finally {
      client.close();
    }
  });
});
