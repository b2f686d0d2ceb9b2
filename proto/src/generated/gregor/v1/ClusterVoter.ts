// Original file: gregor/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface ClusterVoter {
  'nodeId'?: (number);
  'address'?: (string);
  'logEndOffset'?: (number | string | Long);
  'lag'?: (number | string | Long);
  'lastContactMsAgo'?: (number | string | Long);
  'isLeader'?: (boolean);
}

export interface ClusterVoter__Output {
  'nodeId': (number);
  'address': (string);
  'logEndOffset': (string);
  'lag': (string);
  'lastContactMsAgo': (string);
  'isLeader': (boolean);
}
