// Original file: gregor/v1/replication.proto

import type { ReplicaForgottenTopic as _gregor_v1_ReplicaForgottenTopic, ReplicaForgottenTopic__Output as _gregor_v1_ReplicaForgottenTopic__Output } from '../../gregor/v1/ReplicaForgottenTopic';

export interface ReplicaFetchSession {
  'id'?: (number);
  'epoch'?: (number);
  'forgotten'?: (_gregor_v1_ReplicaForgottenTopic)[];
}

export interface ReplicaFetchSession__Output {
  'id': (number);
  'epoch': (number);
  'forgotten': (_gregor_v1_ReplicaForgottenTopic__Output)[];
}
