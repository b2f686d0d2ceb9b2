import * as grpc from '@grpc/grpc-js';
import type { TcpFaultProxy } from '@gregor/common';
import { grpcServerOptions, startTcpFaultProxy } from '@gregor/common';
import { loadReplicationProto } from '@gregor/proto';
import { grpcReplicationClient } from '../src';

/*
 * The follower's channel to its leader finds a silently dead connection
 * (issue #10 item 3): a TCP proxy between them freezes the connection
 * (bytes dropped, nothing closed). A fetch sent into it fails as a
 * retriable NETWORK_EXCEPTION once keepalive finds the connection dead —
 * not REQUEST_TIMED_OUT at its 60 s deadline, as before keepalive — and the
 * next fetch is answered over a new connection.
 */

describe('replication client keepalive', () => {
  let server: grpc.Server;
  let proxy: TcpFaultProxy;

  beforeEach(async () => {
    server = new grpc.Server(grpcServerOptions());
    server.addService(loadReplicationProto().gregor.v1.GregorReplication.service, {
      // Fetches travel on FetchStream; the unary call is the fallback for older leaders.
      FetchStream: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
        call.on('data', () => call.write({ error: null, topics: [] }));
        call.on('end', () => call.end());
      },
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

  it('a fetch into a frozen connection fails fast (retriable) and the next one reconnects', async () => {
    const client = grpcReplicationClient(`127.0.0.1:${proxy.port}`);
    const fetch = () => client.fetch({ replicaId: 2, brokerEpoch: 1n, maxWaitMs: 0, minBytes: 0, maxBytes: 1024, partitions: [] }, 60_000);
    try {
      expect(await fetch()).toEqual([]);
      proxy.blackHoleExisting();
      await expect(fetch()).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION', retriable: true });
      expect(await fetch()).toEqual([]);
      expect(proxy.accepted).toBe(2);
    } finally {
      client.close();
    }
  }, 90_000);
});
