import type { ClusterStatusSource } from '@gregor/broker';
import type { ControllerClient, ControllerMetadataSource } from '@gregor/controller';

/**
 * The broker's ClusterStatusSource (DescribeCluster / `gregor cluster
 * status`) over the controller package: the quorum from the active
 * controller through the broker's ControllerClient, the brokers from the
 * broker's own metadata view. The two packages do not know each other; this
 * adapter is where their shapes meet (and where offsets become bigint).
 */
export function clusterStatusSource(client: ControllerClient, metadata: ControllerMetadataSource): ClusterStatusSource {
  return {
    describeQuorum: async (deadlineMs) => {
      // A voter that does not answer must not eat the whole deadline.
      const q = await client.describeActiveQuorum({ deadlineMs, rpcTimeoutMs: Math.min(2000, deadlineMs) });
      return {
        leaderId: q.leaderId,
        leaderAddress: q.leaderAddress,
        term: BigInt(q.term),
        commitIndex: BigInt(q.commitIndex),
        logEndOffset: BigInt(q.logEndOffset),
        voters: q.voters.map((v) => ({
          nodeId: v.nodeId,
          address: v.address,
          logEndOffset: BigInt(v.logEndOffset),
          lastContactMsAgo: v.lastContactMsAgo,
        })),
      };
    },
    registeredBrokers: () => metadata.registeredBrokers(),
    metadataOffset: () => BigInt(metadata.appliedOffset()),
  };
}
