import * as net from 'node:net';
import { isGregorError } from '@gregor/common';
import {
  API_VERSIONS_API,
  FrameDecoder,
  KafkaWireClient,
  decodeRequestBody,
  encodeResponseFrame,
  peekRequestHeader,
  type RequestHeaderInfo,
} from '@gregor/kafka-protocol';

/**
 * A scripted Kafka server on an ephemeral port: every ApiVersions request
 * is handed to `onRequest`, which answers (or not) through `reply`.
 */
async function fakeServer(onRequest: (h: RequestHeaderInfo, reply: (correlationId: number) => void, socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const frames = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of frames.push(chunk)) {
        const h = peekRequestHeader(frame);
        decodeRequestBody(API_VERSIONS_API, h, frame);
        onRequest(h, (correlationId) => {
          for (const c of encodeResponseFrame(API_VERSIONS_API, h.apiVersion, correlationId, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] })) socket.write(c);
        }, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function expectError(p: Promise<unknown>, errorName: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isGregorError(err) && err.errorName).toBe(errorName);
}

describe('KafkaWireClient', () => {
  test('pipelines requests on one connection and matches in-order responses by correlation id', async () => {
    const held: (() => void)[] = [];
    const server = await fakeServer((h, reply) => held.push(() => reply(h.correlationId)));
    const client = await KafkaWireClient.connect(`127.0.0.1:${server.port}`);
    try {
      const answers = Array.from({ length: 20 }, () => client.sendTracked(API_VERSIONS_API, 3, {}));
      const deadline = Date.now() + 10_000;
      while (held.length < 20 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      expect(held.length).toBe(20);
      expect(client.inFlight).toBe(20);
      for (const answer of held) answer();
      const bodies = await Promise.all(answers.map((a) => a.promise));
      expect(bodies.every((b) => b.apiKeys[0]!.apiKey === 18)).toBe(true);
      expect(new Set(answers.map((a) => a.correlationId)).size).toBe(20);
      expect(client.inFlight).toBe(0);
    } finally {
      client.close();
      await server.close();
    }
  });

  test('a response out of request order is a protocol error: the connection closes and every pending request fails', async () => {
    const held: [number, (id: number) => void][] = [];
    const server = await fakeServer((h, reply) => held.push([h.correlationId, reply]));
    const client = await KafkaWireClient.connect(`127.0.0.1:${server.port}`);
    try {
      const first = client.send(API_VERSIONS_API, 3, {});
      const second = client.send(API_VERSIONS_API, 3, {});
      while (held.length < 2) await new Promise((r) => setImmediate(r));
      held[1]![1](held[1]![0]);
      await expectError(first, 'NETWORK_EXCEPTION');
      await expectError(second, 'NETWORK_EXCEPTION');
      expect(client.closed).toBe(true);
      await expectError(client.send(API_VERSIONS_API, 3, {}), 'NETWORK_EXCEPTION');
    } finally {
      await server.close();
    }
  });

  test('maxInFlight refuses one request more; the others carry on', async () => {
    const held: (() => void)[] = [];
    const server = await fakeServer((h, reply) => held.push(() => reply(h.correlationId)));
    const client = await KafkaWireClient.connect(`127.0.0.1:${server.port}`, { maxInFlight: 2 });
    try {
      const a = client.send(API_VERSIONS_API, 3, {});
      const b = client.send(API_VERSIONS_API, 3, {});
      await expectError(client.send(API_VERSIONS_API, 3, {}), 'INVALID_REQUEST');
      while (held.length < 2) await new Promise((r) => setImmediate(r));
      for (const answer of held) answer();
      expect((await a).errorCode).toBe(0);
      expect((await b).errorCode).toBe(0);
    } finally {
      client.close();
      await server.close();
    }
  });

  test('a request with no answer times out as REQUEST_TIMED_OUT and closes the connection', async () => {
    const server = await fakeServer(() => undefined);
    const client = await KafkaWireClient.connect(`127.0.0.1:${server.port}`, { requestTimeoutMs: 50 });
    try {
      const first = client.send(API_VERSIONS_API, 3, {});
      const second = client.send(API_VERSIONS_API, 3, {});
      await expectError(first, 'REQUEST_TIMED_OUT');
      await expectError(second, 'NETWORK_EXCEPTION');
      await client.closedPromise;
    } finally {
      await server.close();
    }
  });

  test('the broker closing the connection fails pending requests; connecting to nothing is NETWORK_EXCEPTION; a bad address is refused', async () => {
    const server = await fakeServer((_h, _reply, socket) => socket.destroy());
    const client = await KafkaWireClient.connect(server.port);
    await expectError(client.send(API_VERSIONS_API, 3, {}), 'NETWORK_EXCEPTION');
    await server.close();
    await expectError(KafkaWireClient.connect(server.port), 'NETWORK_EXCEPTION');
    expect(() => KafkaWireClient.connect('no-port')).toThrow(/not host:port/);
  });

  test('a request the codecs cannot encode fails before anything is sent', async () => {
    const seen: number[] = [];
    const server = await fakeServer((h) => seen.push(h.correlationId));
    const client = await KafkaWireClient.connect(server.port);
    try {
      // A version outside the schema's range: UNSUPPORTED_VERSION from the encoder.
      await expect(client.send(API_VERSIONS_API, 99, {})).rejects.toMatchObject({ code: 35 });
      expect(seen).toEqual([]);
      expect(client.inFlight).toBe(0);
      expect(client.closed).toBe(false);
    } finally {
      client.close();
      await server.close();
    }
  });
});
