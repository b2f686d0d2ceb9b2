import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DivergingEpoch as _gregor_v1_DivergingEpoch, DivergingEpoch__Output as _gregor_v1_DivergingEpoch__Output } from './gregor/v1/DivergingEpoch';
import type { GregorReplicationClient as _gregor_v1_GregorReplicationClient, GregorReplicationDefinition as _gregor_v1_GregorReplicationDefinition } from './gregor/v1/GregorReplication';
import type { LeaderEpochPartition as _gregor_v1_LeaderEpochPartition, LeaderEpochPartition__Output as _gregor_v1_LeaderEpochPartition__Output } from './gregor/v1/LeaderEpochPartition';
import type { LeaderEpochPartitionResult as _gregor_v1_LeaderEpochPartitionResult, LeaderEpochPartitionResult__Output as _gregor_v1_LeaderEpochPartitionResult__Output } from './gregor/v1/LeaderEpochPartitionResult';
import type { LeaderEpochTopic as _gregor_v1_LeaderEpochTopic, LeaderEpochTopic__Output as _gregor_v1_LeaderEpochTopic__Output } from './gregor/v1/LeaderEpochTopic';
import type { LeaderEpochTopicResult as _gregor_v1_LeaderEpochTopicResult, LeaderEpochTopicResult__Output as _gregor_v1_LeaderEpochTopicResult__Output } from './gregor/v1/LeaderEpochTopicResult';
import type { OffsetsForLeaderEpochRequest as _gregor_v1_OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochRequest__Output as _gregor_v1_OffsetsForLeaderEpochRequest__Output } from './gregor/v1/OffsetsForLeaderEpochRequest';
import type { OffsetsForLeaderEpochResponse as _gregor_v1_OffsetsForLeaderEpochResponse, OffsetsForLeaderEpochResponse__Output as _gregor_v1_OffsetsForLeaderEpochResponse__Output } from './gregor/v1/OffsetsForLeaderEpochResponse';
import type { ReplicaFetchPartition as _gregor_v1_ReplicaFetchPartition, ReplicaFetchPartition__Output as _gregor_v1_ReplicaFetchPartition__Output } from './gregor/v1/ReplicaFetchPartition';
import type { ReplicaFetchPartitionResult as _gregor_v1_ReplicaFetchPartitionResult, ReplicaFetchPartitionResult__Output as _gregor_v1_ReplicaFetchPartitionResult__Output } from './gregor/v1/ReplicaFetchPartitionResult';
import type { ReplicaFetchRequest as _gregor_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _gregor_v1_ReplicaFetchRequest__Output } from './gregor/v1/ReplicaFetchRequest';
import type { ReplicaFetchResponse as _gregor_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _gregor_v1_ReplicaFetchResponse__Output } from './gregor/v1/ReplicaFetchResponse';
import type { ReplicaFetchSession as _gregor_v1_ReplicaFetchSession, ReplicaFetchSession__Output as _gregor_v1_ReplicaFetchSession__Output } from './gregor/v1/ReplicaFetchSession';
import type { ReplicaFetchTopic as _gregor_v1_ReplicaFetchTopic, ReplicaFetchTopic__Output as _gregor_v1_ReplicaFetchTopic__Output } from './gregor/v1/ReplicaFetchTopic';
import type { ReplicaFetchTopicResult as _gregor_v1_ReplicaFetchTopicResult, ReplicaFetchTopicResult__Output as _gregor_v1_ReplicaFetchTopicResult__Output } from './gregor/v1/ReplicaFetchTopicResult';
import type { ReplicaForgottenTopic as _gregor_v1_ReplicaForgottenTopic, ReplicaForgottenTopic__Output as _gregor_v1_ReplicaForgottenTopic__Output } from './gregor/v1/ReplicaForgottenTopic';
import type { ReplicationError as _gregor_v1_ReplicationError, ReplicationError__Output as _gregor_v1_ReplicationError__Output } from './gregor/v1/ReplicationError';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gregor: {
    v1: {
      DivergingEpoch: MessageTypeDefinition<_gregor_v1_DivergingEpoch, _gregor_v1_DivergingEpoch__Output>
      GregorReplication: SubtypeConstructor<typeof grpc.Client, _gregor_v1_GregorReplicationClient> & { service: _gregor_v1_GregorReplicationDefinition }
      LeaderEpochPartition: MessageTypeDefinition<_gregor_v1_LeaderEpochPartition, _gregor_v1_LeaderEpochPartition__Output>
      LeaderEpochPartitionResult: MessageTypeDefinition<_gregor_v1_LeaderEpochPartitionResult, _gregor_v1_LeaderEpochPartitionResult__Output>
      LeaderEpochTopic: MessageTypeDefinition<_gregor_v1_LeaderEpochTopic, _gregor_v1_LeaderEpochTopic__Output>
      LeaderEpochTopicResult: MessageTypeDefinition<_gregor_v1_LeaderEpochTopicResult, _gregor_v1_LeaderEpochTopicResult__Output>
      OffsetsForLeaderEpochRequest: MessageTypeDefinition<_gregor_v1_OffsetsForLeaderEpochRequest, _gregor_v1_OffsetsForLeaderEpochRequest__Output>
      OffsetsForLeaderEpochResponse: MessageTypeDefinition<_gregor_v1_OffsetsForLeaderEpochResponse, _gregor_v1_OffsetsForLeaderEpochResponse__Output>
      ReplicaFetchPartition: MessageTypeDefinition<_gregor_v1_ReplicaFetchPartition, _gregor_v1_ReplicaFetchPartition__Output>
      ReplicaFetchPartitionResult: MessageTypeDefinition<_gregor_v1_ReplicaFetchPartitionResult, _gregor_v1_ReplicaFetchPartitionResult__Output>
      ReplicaFetchRequest: MessageTypeDefinition<_gregor_v1_ReplicaFetchRequest, _gregor_v1_ReplicaFetchRequest__Output>
      ReplicaFetchResponse: MessageTypeDefinition<_gregor_v1_ReplicaFetchResponse, _gregor_v1_ReplicaFetchResponse__Output>
      ReplicaFetchSession: MessageTypeDefinition<_gregor_v1_ReplicaFetchSession, _gregor_v1_ReplicaFetchSession__Output>
      ReplicaFetchTopic: MessageTypeDefinition<_gregor_v1_ReplicaFetchTopic, _gregor_v1_ReplicaFetchTopic__Output>
      ReplicaFetchTopicResult: MessageTypeDefinition<_gregor_v1_ReplicaFetchTopicResult, _gregor_v1_ReplicaFetchTopicResult__Output>
      ReplicaForgottenTopic: MessageTypeDefinition<_gregor_v1_ReplicaForgottenTopic, _gregor_v1_ReplicaForgottenTopic__Output>
      ReplicationError: MessageTypeDefinition<_gregor_v1_ReplicationError, _gregor_v1_ReplicationError__Output>
    }
  }
}

