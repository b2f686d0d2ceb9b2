import { GregorError, isGregorError, validateTopicName } from '@gregor/common';
import type { BrokerAddress, DescribeClusterResponse, MetadataRequest, MetadataResponse, TopicMetadata } from '../api/metadata';
import { isInternalTopic } from '../internal-topics';
import { listenerEndpoint } from '../metadata-source';
import type { BrokerContext } from '../broker-context';
import { planNewTopic } from '../create-topic-plan';
import type { TopicMetadataView } from '../metadata-source';
import type { ReplicaManager } from '../replica/replica-manager';
import type { RequestOutcome } from '../outcome';

/**
 * A partition this broker gave up while cut off from the quorum, or led by
 * another broker while this one's metadata is known stale, has no leader
 * here (LEADER_NOT_AVAILABLE), so clients ask another broker.
 */
function describeTopic(view: TopicMetadataView, replicas: Pick<ReplicaManager, 'advertisedLeader'>): TopicMetadata {
  return {
    error: null,
    name: view.name,
    topicId: view.topicId,
    isInternal: isInternalTopic(view.name),
    partitions: view.partitions.map((a) => {
      const leaderId = replicas.advertisedLeader(view.name, a);
      return {
        error:
          leaderId === a.leaderId
            ? null
            : new GregorError('LEADER_NOT_AVAILABLE', `the leader of ${view.name}-${a.partition} is not known here: this node has lost contact with the controller quorum or its metadata is stale`, {
                topic: view.name,
                partition: a.partition,
              }),
        partition: a.partition,
        leaderId,
        leaderEpoch: a.leaderEpoch,
        replicaNodes: [...a.replicas],
        isrNodes: [...a.isr],
        offlineReplicas: [],
      };
    }),
  };
}

/**
 * A missing topic is created only when the broker allows it
 * (`auto.create.topics.enable`, off by default) and the request asks for it,
 * with the broker's default partitions and replication factor. Unlike
 * Kafka, which answers LEADER_NOT_AVAILABLE right after auto-creating, the
 * new topic is returned at once: creation here completes before the reply.
 */
async function missingTopic(ctx: BrokerContext, name: string, allowAutoCreate: boolean, outcome: RequestOutcome): Promise<TopicMetadata> {
  const empty: TopicMetadata = { name, topicId: '', isInternal: false, partitions: [], error: null };
  try {
    validateTopicName(name);
    if (!(allowAutoCreate && ctx.config.autoCreateTopicsEnable)) {
      throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
    }
    const spec = planNewTopic(
      { name, numPartitions: -1, replicationFactor: -1, configs: {} },
      {
        defaultNumPartitions: ctx.config.numPartitions,
        defaultReplicationFactor: ctx.config.defaultReplicationFactor,
        liveBrokerCount: ctx.metadata.liveBrokers().length,
        maxPartitionsPerTopic: ctx.config.maxPartitionsPerTopic,
      },
    );
    let view: TopicMetadataView;
    try {
      view = await ctx.metadata.createTopic(spec);
      ctx.logger.info('auto-created topic', { topic: name, partitions: spec.numPartitions });
    } catch (err) {
      // Two clients auto-creating the same topic at once: the loser sees it.
      const existing = ctx.metadata.topic(name);
      if (!(isGregorError(err) && err.errorName === 'TOPIC_ALREADY_EXISTS') || existing === undefined) throw err;
      view = existing;
    }
    return describeTopic(view, ctx.replicas);
  } catch (err) {
    empty.error = outcome.fail(err, { topic: name });
    return empty;
  }
}

/**
 * Brokers are named by their address on `listener`, the one the request
 * came in on (a client inside the cluster network and one outside it each
 * get addresses they can reach); a broker without that listener is left
 * out, so its partitions look leaderless to this client (Kafka's way too).
 */
function listenerBrokers(ctx: BrokerContext, listener: string): BrokerAddress[] {
  const brokers: BrokerAddress[] = [];
  for (const b of ctx.metadata.liveBrokers()) {
    const e = listenerEndpoint(b, listener);
    if (e !== undefined) brokers.push({ nodeId: b.nodeId, host: e.host, port: e.port, rack: b.rack ?? null });
  }
  return brokers;
}

export async function handleMetadata(ctx: BrokerContext, req: MetadataRequest, outcome: RequestOutcome, listener: string): Promise<MetadataResponse> {
  const brokers = listenerBrokers(ctx, listener);
  let topics: TopicMetadata[];
  if (req.topics === null) {
    topics = ctx.metadata.topics().map((view) => describeTopic(view, ctx.replicas));
  } else {
    topics = [];
    for (const name of new Set(req.topics)) {
      const view = ctx.metadata.topic(name);
      topics.push(view !== undefined ? describeTopic(view, ctx.replicas) : await missingTopic(ctx, name, req.allowAutoTopicCreation, outcome));
    }
  }
  return { brokers, clusterId: ctx.metadata.clusterId, controllerId: ctx.metadata.controllerId(), topics };
}

/** Kafka's DescribeCluster: the brokers as Metadata on the same listener names them. */
export function handleDescribeCluster(ctx: BrokerContext, listener: string): DescribeClusterResponse {
  return { clusterId: ctx.metadata.clusterId, controllerId: ctx.metadata.controllerId(), brokers: listenerBrokers(ctx, listener) };
}
