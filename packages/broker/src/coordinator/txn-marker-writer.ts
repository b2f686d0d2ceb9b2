import { GregorError } from '@gregor/common';
import type { TxnMarkerPort, TxnMarkerRequest } from '@gregor/transaction-coordinator';
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../api/transactions';
import type { BrokerContext } from '../broker-context';
import { handleWriteTxnMarkers } from '../handlers/write-txn-markers';
import type { MetadataSource } from '../metadata-source';
import { RequestOutcome } from '../outcome';
import type { TxnPeers } from './txn-peers';

/** How long one WriteTxnMarkers call may take (acks=all on the leader included). */
const MARKER_REQUEST_TIMEOUT_MS = 30_000;

export interface TxnMarkerWriterOptions {
  nodeId: number;
  metadata: MetadataSource;
  context: () => BrokerContext;
  /** "host:port" of a broker's inter-broker listener. */
  leaderAddress: (nodeId: number) => string | undefined;
  /** The other brokers' clients (shared with the KIP-890 verification). */
  peers: TxnPeers;
}

/**
 * Writes a decided transaction's COMMIT/ABORT markers into its partitions:
 * one WriteTxnMarkers per leader — this broker's own partitions through the
 * handler directly, others over gRPC to their leader's inter-broker
 * listener. Resolves once every partition has its marker (acks=all);
 * rejects with the first failure (no leader, NOT_LEADER_OR_FOLLOWER,
 * NOT_ENOUGH_REPLICAS, a network error), and the coordinator tries the
 * whole round again after a backoff — markers are idempotent on the
 * partitions. A partition of a topic deleted meanwhile needs no marker
 * (Kafka drops them too).
 */
export class TxnMarkerWriter implements TxnMarkerPort {
  constructor(private readonly opts: TxnMarkerWriterOptions) {}

  async writeMarkers(m: TxnMarkerRequest): Promise<void> {
    const byLeader = new Map<number, Map<string, number[]>>();
    for (const tp of m.partitions) {
      const view = this.opts.metadata.topic(tp.topic);
      if (view === undefined || tp.partition >= view.partitions.length) continue; // deleted: nothing to mark
      const leader = view.partitions[tp.partition]!.leaderId;
      if (leader < 0) throw new GregorError('LEADER_NOT_AVAILABLE', `${tp.topic}-${tp.partition} has no leader for the ${m.commit ? "COMMIT" : "ABORT"} marker`, { topic: tp.topic, partition: tp.partition });
      let topics = byLeader.get(leader);
      if (topics === undefined) byLeader.set(leader, (topics = new Map()));
      let ps = topics.get(tp.topic);
      if (ps === undefined) topics.set(tp.topic, (ps = []));
      ps.push(tp.partition);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, topics]) => {
        const request: WriteTxnMarkersRequest = {
          markers: [
            {
              producerId: m.producerId,
              producerEpoch: m.producerEpoch,
              committed: m.commit,
              coordinatorEpoch: m.coordinatorEpoch,
              topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
            },
          ],
        };
        const response = await this.send(leader, request);
        for (const marker of response.markers) {
          for (const t of marker.topics) {
            for (const p of t.partitions) {
              if (p.error === null) continue;
              if (p.error.errorName === 'UNKNOWN_TOPIC_OR_PARTITION' && this.opts.metadata.topic(t.name) === undefined) continue;
              throw p.error;
            }
          }
        }
      }),
    );
  }

  private async send(leader: number, request: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse> {
    if (leader === this.opts.nodeId) {
      const ctx = this.opts.context();
      return handleWriteTxnMarkers(ctx, request, new RequestOutcome(ctx.logger, 'WriteTxnMarkers'));
    }
    const address = this.opts.leaderAddress(leader);
    if (address === undefined) throw new GregorError('LEADER_NOT_AVAILABLE', `broker ${leader} has no inter-broker listener address`);
    return this.opts.peers.call(address, (c) => c.writeTxnMarkers(request, MARKER_REQUEST_TIMEOUT_MS));
  }
}
