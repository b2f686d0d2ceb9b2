// Original file: gregor/v1/admin.proto

import type { AdminError as _gregor_v1_AdminError, AdminError__Output as _gregor_v1_AdminError__Output } from '../../gregor/v1/AdminError';
import type { ClusterQuorum as _gregor_v1_ClusterQuorum, ClusterQuorum__Output as _gregor_v1_ClusterQuorum__Output } from '../../gregor/v1/ClusterQuorum';
import type { ClusterBroker as _gregor_v1_ClusterBroker, ClusterBroker__Output as _gregor_v1_ClusterBroker__Output } from '../../gregor/v1/ClusterBroker';
import type { Long } from '@grpc/proto-loader';

export interface DescribeClusterResponse {
  'error'?: (_gregor_v1_AdminError | null);
  'clusterId'?: (string);
  'brokerId'?: (number);
  'metadataOffset'?: (number | string | Long);
  'quorum'?: (_gregor_v1_ClusterQuorum | null);
  'quorumError'?: (_gregor_v1_AdminError | null);
  'brokers'?: (_gregor_v1_ClusterBroker)[];
}

export interface DescribeClusterResponse__Output {
  'error': (_gregor_v1_AdminError__Output | null);
  'clusterId': (string);
  'brokerId': (number);
  'metadataOffset': (string);
  'quorum': (_gregor_v1_ClusterQuorum__Output | null);
  'quorumError': (_gregor_v1_AdminError__Output | null);
  'brokers': (_gregor_v1_ClusterBroker__Output)[];
}
