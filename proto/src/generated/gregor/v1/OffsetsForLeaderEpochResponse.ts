// Original file: gregor/v1/replication.proto

import type { LeaderEpochTopicResult as _gregor_v1_LeaderEpochTopicResult, LeaderEpochTopicResult__Output as _gregor_v1_LeaderEpochTopicResult__Output } from '../../gregor/v1/LeaderEpochTopicResult';

export interface OffsetsForLeaderEpochResponse {
  'topics'?: (_gregor_v1_LeaderEpochTopicResult)[];
}

export interface OffsetsForLeaderEpochResponse__Output {
  'topics': (_gregor_v1_LeaderEpochTopicResult__Output)[];
}
