import * as grpc from '@grpc/grpc-js';
import type { TcpFaultProxy } from '@gregor/common';
import { INTER_NODE_KEEPALIVE, nodeId, pollUntil, silentLogger, startTcpFaultProxy } from '@gregor/common';
import { loadControllerProto } from '@gregor/proto';
import type { LogIndex, Message, Term } from '@gregor/raft';
import { CONTROLLER_SERVER_OPTIONS, ControllerClient, PeerSender } from '../src';

/*
 * Dead-connection detection on the controller's long-lived channels (issue
 * #10 item 3): the broker → controller client and the Raft peer transport
 * reach a fake voter through a TCP proxy that then freezes the connection
 * (bytes dropped, nothing closed: a connection that died during a cut that
 * has since healed). Keepalive finds it dead within
 * INTER_NODE_KEEPALIVE.timeMs + timeoutMs and the channel reconnects through
 * the proxy; without keepalive grpc-js kept using the frozen connection and
 * every call waited out its deadline.
 */

/** Time for keepalive to notice, with slack for a loaded machine. */
const DETECTION_BOUND_MS = 4 * (INTER_NODE_KEEPALIVE.timeMs + INTER_NODE_KEEPALIVE.timeoutMs);

describe('controller channels find a silently dead connection and reconnect', () => {
  let server: grpc.Server;
  let proxy: TcpFaultProxy;
  let raftBatches = 0;

  beforeEach(async () => {
    raftBatches = 0;
    server = new grpc.Server(CONTROLLER_SERVER_OPTIONS);
    server.addService(loadControllerProto().gregor.v1.GregorController.service, {
      BrokerHeartbeat: (_call: unknown, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, { error: null, controllerId: 1, isCaughtUp: true, isFenced: false, shouldShutdown: false }),
      Raft: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => {
        raftBatches++;
        cb(null, { error: null });
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

  it('ControllerClient: a heartbeat sent into the frozen connection fails fast and the retry answers over a new one', async () => {
    const client = new ControllerClient({ voters: [{ id: 1, host: '127.0.0.1', port: proxy.port }], clusterId: 'test-cluster' });
    try {
      const heartbeat = () =>
        client.heartbeat({ brokerId: 1, brokerEpoch: 1, metadataOffset: 1, wantFence: false, wantShutdown: false }, { deadlineMs: 60_000, rpcTimeoutMs: 60_000 });
      expect((await heartbeat()).isFenced).toBe(false);
      expect(proxy.accepted).toBe(1);
      proxy.blackHoleExisting();
      // One attempt may take the whole 60 s deadline: only a connection
      // found dead ends it early, so that the retry can answer in time.
      expect((await heartbeat()).isFenced).toBe(false);
      expect(proxy.accepted).toBe(2);
    } finally {
      client.close();
    }
  }, 90_000);

  it('PeerSender: Raft messages reach the peer again over a new connection', async () => {
    const unreachable: number[] = [];
    const sender = new PeerSender(
      nodeId(2),
      `127.0.0.1:${proxy.port}`,
      nodeId(1),
      'test-cluster',
      { unreachable: (p) => unreachable.push(p), snapshotSent: () => undefined },
      silentLogger(),
    );
    const heartbeat = (): Message => ({ type: 'MsgHeartbeat', from: nodeId(1), to: nodeId(2), term: 1 as Term, commit: 0 as LogIndex });
    try {
      sender.send(heartbeat());
      await pollUntil(() => raftBatches > 0, { timeoutMs: 10_000, what: 'the first Raft batch' });
      proxy.blackHoleExisting();
      const before = raftBatches;
      // A leader sends heartbeats every tick; they must get through again.
      await pollUntil(
        () => {
          sender.send(heartbeat());
          return raftBatches > before;
        },
        { timeoutMs: DETECTION_BOUND_MS, intervalMs: 100, what: 'a Raft batch over a new connection' },
      );
      expect(proxy.accepted).toBe(2);
    } finally {
      sender.close();
    }
  }, 90_000);
});
