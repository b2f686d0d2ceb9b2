// Original file: gregor/v1/replication.proto

import type { LeaderEpochTopic as _gregor_v1_LeaderEpochTopic, LeaderEpochTopic__Output as _gregor_v1_LeaderEpochTopic__Output } from '../../gregor/v1/LeaderEpochTopic';

export interface OffsetsForLeaderEpochRequest {
  'replicaId'?: (number);
  'topics'?: (_gregor_v1_LeaderEpochTopic)[];
}

export interface OffsetsForLeaderEpochRequest__Output {
  'replicaId': (number);
  'topics': (_gregor_v1_LeaderEpochTopic__Output)[];
}
