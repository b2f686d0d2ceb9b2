import * as net from 'node:net';
import { BrokerConnection } from '../src/broker-connection';
import { isTransportError } from '../src/errors';
import { FakeCluster } from './helpers/fake-cluster';

/**
 * Every RPC of the SDK (produce, fetch, group coordinator, admin) goes
 * through BrokerConnection.call, so these pin what its callers rely on: a
 * call always settles — at its deadline when the broker never answers, at
 * once when the broker is gone — with a retriable transport error that
 * sends them to metadata and another broker.
 */
describe('BrokerConnection calls always settle', () => {
  const request = { acks: -1, timeoutMs: 1000, topics: [] };

  it('a broker that accepts connections but never answers fails each call at its deadline with REQUEST_TIMED_OUT', async () => {
    // Takes the connection and the HTTP/2 preface, and says nothing back.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const conn = new BrokerConnection(`127.0.0.1:${(silent.address() as net.AddressInfo).port}`, { clientId: 'test', requestTimeoutMs: 30_000 });
    try {
      for (let i = 0; i < 2; i++) {
        const err = await conn.call('Produce', request, { timeoutMs: 300 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ errorName: 'REQUEST_TIMED_OUT', retriable: true });
        expect(isTransportError(err)).toBe(true);
      }
    } finally {
      conn.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a broker that is gone fails the call after the one that found out, and the next, with NETWORK_EXCEPTION', async () => {
    const cluster = new FakeCluster();
    const broker = await cluster.startBroker(1);
    cluster.createTopic('t', 1);
    const conn = new BrokerConnection(broker.address, { clientId: 'test', requestTimeoutMs: 30_000 });
    try {
      await conn.call('Metadata', { topics: [], allowAutoTopicCreation: false });
      cluster.stopBroker(1);
      // Deadlines far away: only the refused connection may end these calls.
      for (let i = 0; i < 3; i++) {
        const err = await conn.call('Produce', request, { timeoutMs: 30_000 }).catch((e: unknown) => e);
        expect(err).toMatchObject({ errorName: 'NETWORK_EXCEPTION', retriable: true });
        expect(isTransportError(err)).toBe(true);
      }
    } finally {
      conn.close();
      await cluster.stopAll();
    }
  });
});
