import { errorCode } from '@gregor/common';
import type { BrokerApi, MetadataResponse, RequestContext } from '@gregor/broker';
import { metadata } from '../src/kafka/metadata-adapter';

/*
 * The Kafka Metadata adapter alone, over a scripted domain answer: how a
 * partition without a usable leader is told to a Kafka client.
 */

const ctx: RequestContext = { listener: 'KAFKA', clientId: 'adapter-test', clientHost: '/127.0.0.1' };

function apiAnswering(res: MetadataResponse): BrokerApi {
  return { metadata: async () => res } as unknown as BrokerApi;
}

const partition = (index: number, leaderId: number) => ({
  error: null,
  partition: index,
  leaderId,
  leaderEpoch: 4,
  replicaNodes: [1, 2, 3],
  isrNodes: [1, 2],
  offlineReplicas: [],
});

test("a partition with no leader, or a leader the answer does not list, is LEADER_NOT_AVAILABLE with leader -1 (Kafka's metadata cache)", async () => {
  const api = apiAnswering({
    // Broker 3 is not listed: fenced, gone, or without a KAFKA listener.
    brokers: [
      { nodeId: 1, host: 'h1', port: 9392, rack: null },
      { nodeId: 2, host: 'h2', port: 9393, rack: null },
    ],
    clusterId: 'c',
    controllerId: 1,
    topics: [{ error: null, name: 't', topicId: '', isInternal: false, partitions: [partition(0, 1), partition(1, -1), partition(2, 3)] }],
  });
  for (const version of [1, 12]) {
    const res = await metadata(api, ctx, version, { topics: [{ name: 't', topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: false } as never);
    const parts = res.topics![0]!.partitions!;
    expect(parts.map((p) => [p.partitionIndex, p.errorCode, p.leaderId, p.leaderEpoch, p.replicaNodes, p.isrNodes])).toEqual([
      [0, 0, 1, 4, [1, 2, 3], [1, 2]],
      [1, errorCode('LEADER_NOT_AVAILABLE'), -1, 4, [1, 2, 3], [1, 2]],
      [2, errorCode('LEADER_NOT_AVAILABLE'), -1, 4, [1, 2, 3], [1, 2]],
    ]);
  }
});
