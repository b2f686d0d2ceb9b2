import * as grpc from '@grpc/grpc-js';
import type { TcpFaultProxy } from '@gregor/common';
import { grpcServerOptions, startTcpFaultProxy } from '@gregor/common';
import { loadClientProto } from '@gregor/proto';
import { BrokerConnection } from '../src/broker-connection';

/*
 * The SDK's channel to a broker finds a silently dead connection (issue
 * #10 item 3): a TCP proxy between them freezes the connection (bytes
 * dropped, nothing closed). A request sent into it fails as a retriable
 * NETWORK_EXCEPTION once keepalive finds the connection dead — not
 * REQUEST_TIMED_OUT at its 60 s deadline, as before keepalive — and the
 * next request is answered over a new connection.
 */

describe('SDK broker connection keepalive', () => {
  let server: grpc.Server;
  let proxy: TcpFaultProxy;

  beforeEach(async () => {
    server = new grpc.Server(grpcServerOptions());
    server.addService(loadClientProto().gregor.v1.Gregor.service, {
      Metadata: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { brokers: [], topics: [], controllerId: 1, clusterId: 'c' }),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))),
    );
    proxy = await startTcpFaultProxy('127.0.0.1', port);
  });

  afterEach(async () => {
    await proxy.close();
    server.forceShutdown();
  });

  it('a request into a frozen connection fails fast (retriable) and the next one reconnects', async () => {
    const conn = new BrokerConnection(`127.0.0.1:${proxy.port}`, { clientId: 'keepalive-test', requestTimeoutMs: 60_000 });
    const metadata = () => conn.call('Metadata', { topics: [] });
    try {
      expect((await metadata()).clusterId).toBe('c');
      proxy.blackHoleExisting();
      await expect(metadata()).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION', retriable: true });
      expect((await metadata()).clusterId).toBe('c');
      expect(proxy.accepted).toBe(2);
    } finally {
      conn.close();
    }
  }, 90_000);
});
