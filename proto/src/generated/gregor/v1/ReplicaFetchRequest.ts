// Original file: gregor/v1/replication.proto

import type { ReplicaFetchTopic as _gregor_v1_ReplicaFetchTopic, ReplicaFetchTopic__Output as _gregor_v1_ReplicaFetchTopic__Output } from '../../gregor/v1/ReplicaFetchTopic';
import type { ReplicaFetchSession as _gregor_v1_ReplicaFetchSession, ReplicaFetchSession__Output as _gregor_v1_ReplicaFetchSession__Output } from '../../gregor/v1/ReplicaFetchSession';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchRequest {
  'replicaId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'maxWaitMs'?: (number);
  'minBytes'?: (number);
  'maxBytes'?: (number);
  'topics'?: (_gregor_v1_ReplicaFetchTopic)[];
  'session'?: (_gregor_v1_ReplicaFetchSession | null);
}

export interface ReplicaFetchRequest__Output {
  'replicaId': (number);
  'brokerEpoch': (string);
  'maxWaitMs': (number);
  'minBytes': (number);
  'maxBytes': (number);
  'topics': (_gregor_v1_ReplicaFetchTopic__Output)[];
  'session': (_gregor_v1_ReplicaFetchSession__Output | null);
}
