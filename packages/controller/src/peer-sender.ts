import * as grpc from '@grpc/grpc-js';
import type { Logger, NodeId } from '@gregor/common';
import { grpcChannelOptions, INTER_NODE_KEEPALIVE, tidyGrpcDetails } from '@gregor/common';
import type { GregorControllerClient } from '@gregor/proto';
import { loadControllerProto } from '@gregor/proto';
import type { Message } from '@gregor/raft';
import { messageSizeBytes, messageToWire } from './raft-codec';

/**
 * Sends Raft messages to one peer: a bounded queue and one unary `Raft` RPC
 * in flight at a time, carrying everything queued meanwhile (so a burst of
 * appends costs one round trip). At the bound new messages are dropped:
 * Raft tolerates loss and retries on its own (heartbeats, probes), and a
 * peer this far behind is unreachable anyway. Failures are reported to the
 * core (reportUnreachable / reportSnapshot) so it stops streaming and probes.
 * The gRPC channel reconnects on its own, with a short backoff so that a
 * restarted peer rejoins quickly, and keepalive pings find a connection
 * that died silently (a cut peer) within seconds.
 */

export interface PeerSenderOptions {
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  maxBatchBytes: number;
  rpcTimeoutMs: number;
}

export const DEFAULT_PEER_SENDER_OPTIONS: PeerSenderOptions = {
  maxQueuedMessages: 4096,
  maxQueuedBytes: 64 * 1024 * 1024,
  maxBatchBytes: 4 * 1024 * 1024,
  rpcTimeoutMs: 2000,
};

/** Channel options shared by every controller client: inter-node keepalive and fast reconnects (@gregor/common). */
export const CONTROLLER_CHANNEL_OPTIONS: grpc.ChannelOptions = grpcChannelOptions(INTER_NODE_KEEPALIVE, {
  'grpc.max_send_message_length': 128 * 1024 * 1024,
  'grpc.max_receive_message_length': 128 * 1024 * 1024,
});

export interface PeerCallbacks {
  unreachable(peer: NodeId): void;
  snapshotSent(peer: NodeId, ok: boolean): void;
}

export class PeerSender {
  private readonly client: GregorControllerClient;
  private queue: Message[] = [];
  private queuedBytes = 0;
  private inFlight = false;
  private closed = false;
  private reachable = true;
  /** Messages dropped at the queue bound, for status and tests. */
  dropped = 0;
  /** Monotonic ms of the last successful RPC (-1 never). */
  lastSuccessMs = -1;

  constructor(
    readonly peer: NodeId,
    readonly address: string,
    private readonly from: NodeId,
    private readonly clusterId: string,
    private readonly callbacks: PeerCallbacks,
    private readonly logger: Logger,
    private readonly opts: PeerSenderOptions = DEFAULT_PEER_SENDER_OPTIONS,
  ) {
    const Ctor = loadControllerProto().gregor.v1.GregorController;
    this.client = new Ctor(address, grpc.credentials.createInsecure(), CONTROLLER_CHANNEL_OPTIONS);
  }

  send(m: Message): void {
    if (this.closed) return;
    const size = messageSizeBytes(m);
    if (this.queue.length >= this.opts.maxQueuedMessages || this.queuedBytes + size > this.opts.maxQueuedBytes) {
      this.dropped++;
      if (m.type === 'MsgSnap') this.callbacks.snapshotSent(this.peer, false);
      return;
    }
    this.queue.push(m);
    this.queuedBytes += size;
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.client.close();
  }

  private flush(): void {
    if (this.inFlight || this.closed || this.queue.length === 0) return;
    const batch: Message[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const size = messageSizeBytes(this.queue[0]!);
      if (batch.length > 0 && bytes + size > this.opts.maxBatchBytes) break;
      batch.push(this.queue.shift()!);
      bytes += size;
    }
    this.queuedBytes -= bytes;
    this.inFlight = true;
    const deadline = new Date(Date.now() + this.opts.rpcTimeoutMs);
    this.client.Raft({ clusterId: this.clusterId, from: this.from, messages: batch.map(messageToWire) }, { deadline }, (err, ack) => {
      this.inFlight = false;
      if (this.closed) return;
      const refused = err === null && ack !== undefined && ack.error !== null && ack.error.code !== 0 ? ack.error.message : undefined;
      const ok = err === null && refused === undefined;
      for (const m of batch) if (m.type === 'MsgSnap') this.callbacks.snapshotSent(this.peer, ok);
      if (ok) {
        this.lastSuccessMs = performance.now();
        if (!this.reachable) this.logger.info(`controller ${this.peer} at ${this.address} is reachable again`);
        this.reachable = true;
      } else {
        if (this.reachable) this.logger.warn(`controller ${this.peer} at ${this.address} is unreachable: ${refused ?? tidyGrpcDetails(err?.details ?? err?.message ?? '')}`);
        this.reachable = false;
        this.callbacks.unreachable(this.peer);
      }
      this.flush();
    });
  }
}
