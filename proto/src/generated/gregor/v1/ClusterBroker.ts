// Original file: gregor/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface ClusterBroker {
  'brokerId'?: (number);
  'host'?: (string);
  'port'?: (number);
  'rack'?: (string);
  'fenced'?: (boolean);
  'brokerEpoch'?: (number | string | Long);
  'leaderPartitions'?: (number);
  'followerPartitions'?: (number);
  'outOfSyncPartitions'?: (number);
}

export interface ClusterBroker__Output {
  'brokerId': (number);
  'host': (string);
  'port': (number);
  'rack': (string);
  'fenced': (boolean);
  'brokerEpoch': (string);
  'leaderPartitions': (number);
  'followerPartitions': (number);
  'outOfSyncPartitions': (number);
}
