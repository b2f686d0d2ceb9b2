// Original file: gregor/v1/admin.proto

import type { ClusterVoter as _gregor_v1_ClusterVoter, ClusterVoter__Output as _gregor_v1_ClusterVoter__Output } from '../../gregor/v1/ClusterVoter';
import type { Long } from '@grpc/proto-loader';

export interface ClusterQuorum {
  'activeControllerId'?: (number);
  'activeControllerAddress'?: (string);
  'term'?: (number | string | Long);
  'commitIndex'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'voters'?: (_gregor_v1_ClusterVoter)[];
}

export interface ClusterQuorum__Output {
  'activeControllerId': (number);
  'activeControllerAddress': (string);
  'term': (string);
  'commitIndex': (string);
  'logEndOffset': (string);
  'voters': (_gregor_v1_ClusterVoter__Output)[];
}
