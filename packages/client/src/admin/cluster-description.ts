import type { GregorError } from '@gregor/common';
import type { AdminError__Output, DescribeClusterResponse__Output } from '@gregor/proto';
import { errorFromWire } from '../errors';
import { int64 } from '../wire';

/**
 * `admin.describeCluster()`: the controller quorum as the active controller
 * sees it and every registered broker as the answering broker sees it
 * (gregor.v1.GregorAdmin DescribeCluster). What `gregor cluster status` prints.
 */

export interface QuorumVoterDescription {
  nodeId: number;
  /** host:port of its CONTROLLER listener. */
  address: string;
  isLeader: boolean;
  /** Highest metadata log index known to be on this voter; null when the leader does not know. */
  logEndOffset: bigint | null;
  /** Entries behind the leader; null when unknown. */
  lag: bigint | null;
  /** Since the leader last heard from it (0 for the leader); null when it never has. */
  lastContactMsAgo: number | null;
}

export interface QuorumDescription {
  activeControllerId: number;
  activeControllerAddress: string;
  /** Raft term, which is KRaft's leader epoch. */
  term: bigint;
  /** Raft commit index: the metadata log's high watermark. */
  commitIndex: bigint;
  /** The active controller's last log index. */
  logEndOffset: bigint;
  voters: QuorumVoterDescription[];
}

export interface ClusterBrokerDescription {
  brokerId: number;
  host: string;
  port: number;
  /** host:port, as clients connect to it. */
  address: string;
  rack: string | null;
  fenced: boolean;
  /** KRaft's broker epoch; null in single-node mode (no registrations). */
  brokerEpoch: bigint | null;
  leaderPartitions: number;
  /** Partitions it replicates but does not lead. */
  followerPartitions: number;
  /** Of those, how many have it outside the ISR. */
  outOfSyncPartitions: number;
}

export interface ClusterDescription {
  clusterId: string;
  /** The broker that answered. */
  answeredBy: number;
  /** The metadata offset its view reflects; null in single-node mode. */
  metadataOffset: bigint | null;
  /** null in single-node mode (no controller quorum), or when quorumError says why not. */
  quorum: QuorumDescription | null;
  /** Why the quorum could not be described (NOT_CONTROLLER: no active controller answered in time). */
  quorumError: GregorError | null;
  /** Sorted by id. */
  brokers: ClusterBrokerDescription[];
}

/** -1 on the wire means "unknown". */
function known(text: string): bigint | null {
  const n = int64(text);
  return n < 0n ? null : n;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function errorOf(e: AdminError__Output | null): GregorError | null {
  return errorFromWire(e) ?? null;
}

/** Wire → SDK. A request-level error is the caller's to throw (see requestError). */
export function parseClusterDescription(res: DescribeClusterResponse__Output): ClusterDescription {
  const q = res.quorum;
  return {
    clusterId: res.clusterId,
    answeredBy: res.brokerId,
    metadataOffset: known(res.metadataOffset),
    quorum:
      q === null
        ? null
        : {
            activeControllerId: q.activeControllerId,
            activeControllerAddress: q.activeControllerAddress,
            term: int64(q.term),
            commitIndex: int64(q.commitIndex),
            logEndOffset: int64(q.logEndOffset),
            voters: q.voters.map((v) => {
              const contact = known(v.lastContactMsAgo);
              return {
                nodeId: v.nodeId,
                address: v.address,
                isLeader: v.isLeader,
                logEndOffset: known(v.logEndOffset),
                lag: known(v.lag),
                lastContactMsAgo: contact === null ? null : Number(contact),
              };
            }),
          },
    quorumError: errorOf(res.quorumError),
    brokers: res.brokers
      .map((b) => ({
        brokerId: b.brokerId,
        host: b.host,
        port: b.port,
        address: hostPort(b.host, b.port),
        rack: b.rack === '' ? null : b.rack,
        fenced: b.fenced,
        brokerEpoch: known(b.brokerEpoch),
        leaderPartitions: b.leaderPartitions,
        followerPartitions: b.followerPartitions,
        outOfSyncPartitions: b.outOfSyncPartitions,
      }))
      .sort((a, b) => a.brokerId - b.brokerId),
  };
}

/** The response's request-level error, if any. */
export function requestError(res: DescribeClusterResponse__Output): GregorError | undefined {
  return errorFromWire(res.error);
}
