// Original file: gregor/v1/replication.proto


export interface LeaderEpochPartition {
  'partition'?: (number);
  'currentLeaderEpoch'?: (number);
  'leaderEpoch'?: (number);
}

export interface LeaderEpochPartition__Output {
  'partition': (number);
  'currentLeaderEpoch': (number);
  'leaderEpoch': (number);
}
