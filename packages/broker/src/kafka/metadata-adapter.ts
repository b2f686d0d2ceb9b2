import { errorCode } from '@gregor/common';
import {
  ZERO_UUID,
  isUuid,
  type DescribeClusterRequest as KDescribeClusterRequest,
  type DescribeClusterResponse as KDescribeClusterResponse,
  type Encodable,
  type MetadataRequest as KMetadataRequest,
  type MetadataResponse as KMetadataResponse,
  type MetadataResponseTopic,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { RequestContext } from '../api/context';
import type { TopicMetadata } from '../api/metadata';
import { errorCodeOf } from './wire';

const LEADER_NOT_AVAILABLE = errorCode('LEADER_NOT_AVAILABLE');
/** DescribeCluster v1 endpoint_type: 1 = brokers (the only one a broker serves; 2 = controllers). */
const ENDPOINT_TYPE_BROKERS = 1;

function topicIdOf(id: string): string {
  return isUuid(id) ? id : ZERO_UUID;
}

/**
 * A partition whose leader is none (-1), or a broker the answer does not
 * list (fenced or gone, or without a KAFKA listener), is
 * LEADER_NOT_AVAILABLE with leader -1, as Kafka's metadata cache answers
 * it, so clients refresh and retry rather than dial a broker they were not
 * given. Replicas, ISR and the leader epoch stay as they are.
 */
function encodeTopic(t: TopicMetadata, listed: ReadonlySet<number>): Encodable<MetadataResponseTopic> {
  return {
    errorCode: errorCodeOf(t.error),
    name: t.name,
    topicId: topicIdOf(t.topicId),
    isInternal: t.isInternal,
    partitions: t.partitions.map((p) => ({
      errorCode: p.error !== null ? p.error.code : listed.has(p.leaderId) ? 0 : LEADER_NOT_AVAILABLE,
      partitionIndex: p.partition,
      leaderId: listed.has(p.leaderId) ? p.leaderId : -1,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicaNodes,
      isrNodes: p.isrNodes,
      offlineReplicas: p.offlineReplicas,
    })),
  };
}

/**
 * Metadata v0–v12. Topic lists follow each version's rule: in v0 an empty
 * list means every topic, from v1 on null does and [] means none. v0–v3
 * carry no allow_auto_topic_creation (the codec's default, true, as Kafka
 * assumes); whether anything is created is still the broker's
 * `auto.create.topics.enable`. Topics asked for by id alone (v10+) are not
 * looked up: UNKNOWN_TOPIC_ID.
 */
export async function metadata(api: BrokerApi, ctx: RequestContext, version: number, req: KMetadataRequest): Promise<Encodable<KMetadataResponse>> {
  const byName = req.topics?.filter((t) => t.name !== null).map((t) => t.name as string) ?? null;
  const byIdOnly = req.topics?.filter((t) => t.name === null) ?? [];
  const all = req.topics === null || (version === 0 && req.topics.length === 0);
  const res = await api.metadata(ctx, { topics: all ? null : byName, allowAutoTopicCreation: req.allowAutoTopicCreation });
  const listed = new Set(res.brokers.map((b) => b.nodeId));
  return {
    brokers: res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
    clusterId: res.clusterId,
    controllerId: res.controllerId,
    topics: [
      ...res.topics.map((t) => encodeTopic(t, listed)),
      ...byIdOnly.map((t) => ({ errorCode: errorCode('UNKNOWN_TOPIC_ID'), name: null, topicId: t.topicId, partitions: [] })),
    ],
  };
}

/** DescribeCluster v0–v1 (KIP-700): the brokers as Metadata on this listener names them. */
export async function describeCluster(
  api: BrokerApi,
  ctx: RequestContext,
  version: number,
  req: KDescribeClusterRequest,
): Promise<Encodable<KDescribeClusterResponse>> {
  const endpointType = version >= 1 ? { endpointType: ENDPOINT_TYPE_BROKERS } : {};
  if (version >= 1 && req.endpointType !== ENDPOINT_TYPE_BROKERS) {
    return { ...endpointType, errorCode: errorCode('INVALID_REQUEST'), errorMessage: `endpoint type ${req.endpointType} is not served by a broker`, controllerId: -1 };
  }
  const res = await api.describeCluster(ctx, {});
  return {
    ...endpointType,
    errorCode: 0,
    errorMessage: null,
    clusterId: res.clusterId,
    controllerId: res.controllerId,
    brokers: res.brokers.map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
  };
}
