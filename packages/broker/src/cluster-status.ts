import type { GregorError } from '@gregor/common';
import type { BrokerEndpoint, TopicMetadataView } from './metadata-source';

/**
 * What `gregor cluster status` shows (DescribeCluster), in domain terms.
 *
 * The quorum part is the active controller's view (only the Raft leader
 * knows how far each voter has replicated and when it last heard from it);
 * the broker part is this broker's metadata view, the same one it serves
 * Metadata from. The broker must not import the controller, so the node
 * wires a ClusterStatusSource over its ControllerClient and metadata source.
 */

export interface QuorumVoterStatus {
  nodeId: number;
  /** host:port of its CONTROLLER listener. */
  address: string;
  /** -1n when the leader does not know it. */
  logEndOffset: bigint;
  /** 0 for the leader; -1 when the leader never heard from it. */
  lastContactMsAgo: number;
}

export interface QuorumStatus {
  /** The active controller (Raft leader) that answered. */
  leaderId: number;
  leaderAddress: string;
  /** Raft term: KRaft's leader epoch. */
  term: bigint;
  /** Raft commit index: the metadata log's high watermark. */
  commitIndex: bigint;
  /** The leader's last log index. */
  logEndOffset: bigint;
  voters: readonly QuorumVoterStatus[];
}

/** A registered broker as the metadata view has it. */
export interface RegisteredBroker extends BrokerEndpoint {
  fenced: boolean;
}

/** What the node provides when metadata comes from a controller quorum. */
export interface ClusterStatusSource {
  /**
   * Asks the active controller (following NOT_CONTROLLER hints) within
   * `deadlineMs`; rejects with a GregorError (NOT_CONTROLLER, retriable,
   * when none answers in time).
   */
  describeQuorum(deadlineMs: number): Promise<QuorumStatus>;
  /** Every registered broker, fenced or not, from this broker's metadata view. */
  registeredBrokers(): readonly RegisteredBroker[];
  /** The metadata offset this broker's view reflects. */
  metadataOffset(): bigint;
}

export interface VoterView extends QuorumVoterStatus {
  /** The leader's log end offset minus this voter's; -1n when unknown. */
  lag: bigint;
  isLeader: boolean;
}

export interface QuorumView extends Omit<QuorumStatus, 'voters'> {
  voters: readonly VoterView[];
}

export interface BrokerView {
  brokerId: number;
  host: string;
  port: number;
  rack: string | undefined;
  fenced: boolean;
  /** -1n when the broker has no registration (single-node mode). */
  brokerEpoch: bigint;
  leaderPartitions: number;
  /** Replica but not leader. */
  followerPartitions: number;
  /** Of those it follows, how many have it outside the ISR. */
  outOfSyncPartitions: number;
}

export interface ClusterView {
  clusterId: string;
  /** The broker that answered. */
  brokerId: number;
  /** -1n when metadata has no offsets (single-node mode). */
  metadataOffset: bigint;
  /** Undefined in single-node mode, or when the quorum could not be described (quorumError). */
  quorum: QuorumView | undefined;
  quorumError: GregorError | undefined;
  brokers: readonly BrokerView[];
}

/** Adds each voter's lag behind the leader (-1n when either end is unknown). */
export function quorumView(q: QuorumStatus): QuorumView {
  return {
    ...q,
    voters: q.voters.map((v) => ({
      ...v,
      lag: v.logEndOffset < 0n || q.logEndOffset < 0n ? -1n : q.logEndOffset > v.logEndOffset ? q.logEndOffset - v.logEndOffset : 0n,
      isLeader: v.nodeId === q.leaderId,
    })),
  };
}

/** Each broker's partition roles, counted over the topics of one metadata view; sorted by id. */
export function brokerViews(brokers: readonly RegisteredBroker[], topics: readonly TopicMetadataView[]): BrokerView[] {
  const counts = new Map<number, { leader: number; follower: number; outOfSync: number }>();
  const countOf = (id: number) => {
    let c = counts.get(id);
    if (c === undefined) {
      c = { leader: 0, follower: 0, outOfSync: 0 };
      counts.set(id, c);
    }
    return c;
  };
  for (const t of topics) {
    for (const p of t.partitions) {
      for (const id of p.replicas) {
        const c = countOf(id);
        if (id === p.leaderId) c.leader++;
        else {
          c.follower++;
          if (!p.isr.includes(id)) c.outOfSync++;
        }
      }
    }
  }
  return [...brokers]
    .sort((a, b) => a.nodeId - b.nodeId)
    .map((b) => {
      const c = counts.get(b.nodeId) ?? { leader: 0, follower: 0, outOfSync: 0 };
      return {
        brokerId: b.nodeId,
        host: b.host,
        port: b.port,
        rack: b.rack,
        fenced: b.fenced,
        brokerEpoch: b.brokerEpoch ?? -1n,
        leaderPartitions: c.leader,
        followerPartitions: c.follower,
        outOfSyncPartitions: c.outOfSync,
      };
    });
}
