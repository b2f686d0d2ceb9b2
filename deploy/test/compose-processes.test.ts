import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { createClient, type Gregor } from '@gregor/client';
import { FrameDecoder, METADATA_API, decodeResponseFrame, encodeRequestFrame, type MetadataResponse } from '@gregor/kafka-protocol';
import { REPO_ROOT, loadCompose } from './helpers/compose';
import { composePorts, freePort, httpStatus, localEnv } from './helpers/local-env';

/**
 * The compose cluster as three local gregor-node processes, each with exactly
 * its service's environment (service names → 127.0.0.1, ports moved to free
 * ones, log.dirs to a temp dir). DEPLOY_NODE_BIN points it at another build,
 * e.g. the runtime tree of deploy/docker/simulate-build.sh.
 */
const BIN = process.env['DEPLOY_NODE_BIN'] ?? path.join(REPO_ROOT, 'packages/node/dist/bin.js');

interface Node {
  service: string;
  nodeId: number;
  child: ChildProcess;
  output: () => string;
  client: string;
  /** The INTERNAL listener's advertised address (the one brokers fetch from). */
  internal: string;
  /** The KAFKA listener's advertised address (Kafka clients on the host). */
  kafka: string;
  http: string;
}

const services = loadCompose().services;
const nodes: Node[] = [];
let dir: string;
let client: Gregor | undefined;

function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm exec tsc -b packages/node\` first`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-compose-'));
  const ports = new Map<number, number>();
  for (const port of composePorts(services)) ports.set(port, await freePort());
  for (const s of services) {
    const { env } = localEnv(s, services.map((x) => x.name), ports, path.join(dir, s.name));
    const child = spawn(process.execPath, [BIN], { env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    const advertised = /CLIENT:\/\/([^,]+)/.exec(env['GREGOR_ADVERTISED_LISTENERS']!)![1]!;
    const internal = /INTERNAL:\/\/([^,]+)/.exec(env['GREGOR_ADVERTISED_LISTENERS']!)![1]!;
    const kafka = /KAFKA:\/\/([^,]+)/.exec(env['GREGOR_ADVERTISED_LISTENERS']!)![1]!;
    const http = /HTTP:\/\/([^,]+)/.exec(env['GREGOR_LISTENERS']!)![1]!;
    nodes.push({ service: s.name, nodeId: Number(env['GREGOR_NODE_ID']), child, output: () => output, client: advertised, internal, kafka, http: `http://${http}` });
  }
  for (const n of nodes) {
    await pollUntil(async () => (await httpStatus(`${n.http}/readyz`)) === 200, {
      timeoutMs: 60_000,
      what: `${n.service} /readyz (exit ${n.child.exitCode}; output: ${n.output().slice(-1500)})`,
    });
  }
  client = createClient({ bootstrap: nodes.map((n) => n.client).join(','), requestTimeoutMs: 5000 });
}, 90_000);

afterAll(async () => {
  await client?.close();
  for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
  await Promise.all(nodes.map((n) => exitOf(n.child)));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** One Kafka Metadata v1 request (what kafka-python sends) over a plain socket. */
function kafkaMetadata(address: string): Promise<MetadataResponse> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => {
      for (const chunk of encodeRequestFrame(METADATA_API, 1, { correlationId: 1, clientId: 'compose-test' }, { topics: null })) socket.write(chunk);
    });
    const decoder = new FrameDecoder();
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no Metadata answer from ${address}`)));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        socket.destroy();
        resolve(decodeResponseFrame(METADATA_API, 1, frame).body);
      }
    });
  });
}

describe('the compose environment runs a 3-node cluster (local processes)', () => {
  test('asked on KAFKA (Kafka Metadata v1), every broker is listed at its advertised KAFKA address', async () => {
    const md = await kafkaMetadata(nodes[1]!.kafka);
    expect(md.brokers.map((b) => `${b.nodeId}=${b.host}:${b.port}`).sort()).toEqual(nodes.map((n) => `${n.nodeId}=${n.kafka}`).sort());
  });

  test('Metadata lists every broker at its advertised CLIENT address', async () => {
    const md = await client!.admin().metadata();
    const listed = md.brokers.map((b) => `${b.nodeId}=${b.address}`).sort();
    expect(listed).toEqual(nodes.map((n) => `${n.nodeId}=${n.client}`).sort());
  });

  test('asked on INTERNAL, Metadata lists every broker at its INTERNAL address', async () => {
    const inside = createClient({ bootstrap: nodes[0]!.internal, requestTimeoutMs: 5000 });
    try {
      const md = await inside.admin().metadata();
      expect(md.brokers.map((b) => `${b.nodeId}=${b.address}`).sort()).toEqual(nodes.map((n) => `${n.nodeId}=${n.internal}`).sort());
    } finally {
      await inside.close();
    }
  });

  test('a topic gets the compose defaults (RF 3), replicates, and keeps taking acks=all writes with one node killed', async () => {
    const admin = client!.admin();
    await admin.createTopics([{ topic: 'compose-check', numPartitions: 3 }]);
    const [described] = await pollUntil(
      async () => {
        const d = await admin.describeTopics(['compose-check']);
        return d[0]!.partitions.every((p) => p.isr.length === 3) ? d : undefined;
      },
      { timeoutMs: 30_000, what: 'every partition of compose-check with an ISR of 3' },
    );
    expect(described!.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);

    const producer = client!.producer({ acks: 'all', deliveryTimeoutMs: 60_000 });
    const first = Array.from({ length: 30 }, (_, i) => `before-${i}`);
    await producer.send({ topic: 'compose-check', messages: first.map((value) => ({ value })) });

    // As `docker compose kill gregor-2`: min.insync.replicas=2 still holds with two of three.
    const victim = nodes.find((n) => n.service === 'gregor-2')!;
    victim.child.kill('SIGKILL');
    await exitOf(victim.child);
    const second = Array.from({ length: 30 }, (_, i) => `after-${i}`);
    await producer.send({ topic: 'compose-check', messages: second.map((value) => ({ value })) });
    await producer.close();

    // Read back through a client that knows only gregor-3.
    const reader = createClient({ bootstrap: nodes.find((n) => n.service === 'gregor-3')!.client, requestTimeoutMs: 5000 });
    try {
      const consumer = reader.consumer({ autoOffsetReset: 'earliest' });
      consumer.assign([0, 1, 2].map((partition) => ({ topic: 'compose-check', partition })));
      const seen: string[] = [];
      await pollUntil(
        async () => {
          for (const r of await consumer.poll({ timeoutMs: 500 })) seen.push(r.value!.toString());
          return seen.length >= first.length + second.length;
        },
        { timeoutMs: 60_000, what: `all 60 records (have ${seen.length})` },
      );
      expect([...seen].sort()).toEqual([...first, ...second].sort());
    } finally {
      await reader.close();
    }
  });
});
