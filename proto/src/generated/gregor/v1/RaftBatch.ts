// Original file: gregor/v1/controller.proto

import type { RaftMessage as _gregor_v1_RaftMessage, RaftMessage__Output as _gregor_v1_RaftMessage__Output } from '../../gregor/v1/RaftMessage';

export interface RaftBatch {
  'clusterId'?: (string);
  'from'?: (number);
  'messages'?: (_gregor_v1_RaftMessage)[];
}

export interface RaftBatch__Output {
  'clusterId': (string);
  'from': (number);
  'messages': (_gregor_v1_RaftMessage__Output)[];
}
