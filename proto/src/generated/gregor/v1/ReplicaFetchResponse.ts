// Original file: gregor/v1/replication.proto

import type { ReplicationError as _gregor_v1_ReplicationError, ReplicationError__Output as _gregor_v1_ReplicationError__Output } from '../../gregor/v1/ReplicationError';
import type { ReplicaFetchTopicResult as _gregor_v1_ReplicaFetchTopicResult, ReplicaFetchTopicResult__Output as _gregor_v1_ReplicaFetchTopicResult__Output } from '../../gregor/v1/ReplicaFetchTopicResult';

export interface ReplicaFetchResponse {
  'error'?: (_gregor_v1_ReplicationError | null);
  'topics'?: (_gregor_v1_ReplicaFetchTopicResult)[];
  'sessionId'?: (number);
}

export interface ReplicaFetchResponse__Output {
  'error': (_gregor_v1_ReplicationError__Output | null);
  'topics': (_gregor_v1_ReplicaFetchTopicResult__Output)[];
  'sessionId': (number);
}
