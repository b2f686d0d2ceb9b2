// Original file: gregor/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface QuorumVoter {
  'nodeId'?: (number);
  'address'?: (string);
  'logEndOffset'?: (number | string | Long);
  'lastContactMsAgo'?: (number | string | Long);
}

export interface QuorumVoter__Output {
  'nodeId': (number);
  'address': (string);
  'logEndOffset': (string);
  'lastContactMsAgo': (string);
}
