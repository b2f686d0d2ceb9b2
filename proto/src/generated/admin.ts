import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminError as _gregor_v1_AdminError, AdminError__Output as _gregor_v1_AdminError__Output } from './gregor/v1/AdminError';
import type { ClusterBroker as _gregor_v1_ClusterBroker, ClusterBroker__Output as _gregor_v1_ClusterBroker__Output } from './gregor/v1/ClusterBroker';
import type { ClusterQuorum as _gregor_v1_ClusterQuorum, ClusterQuorum__Output as _gregor_v1_ClusterQuorum__Output } from './gregor/v1/ClusterQuorum';
import type { ClusterVoter as _gregor_v1_ClusterVoter, ClusterVoter__Output as _gregor_v1_ClusterVoter__Output } from './gregor/v1/ClusterVoter';
import type { DescribeClusterRequest as _gregor_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _gregor_v1_DescribeClusterRequest__Output } from './gregor/v1/DescribeClusterRequest';
import type { DescribeClusterResponse as _gregor_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _gregor_v1_DescribeClusterResponse__Output } from './gregor/v1/DescribeClusterResponse';
import type { GregorAdminClient as _gregor_v1_GregorAdminClient, GregorAdminDefinition as _gregor_v1_GregorAdminDefinition } from './gregor/v1/GregorAdmin';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gregor: {
    v1: {
      AdminError: MessageTypeDefinition<_gregor_v1_AdminError, _gregor_v1_AdminError__Output>
      ClusterBroker: MessageTypeDefinition<_gregor_v1_ClusterBroker, _gregor_v1_ClusterBroker__Output>
      ClusterQuorum: MessageTypeDefinition<_gregor_v1_ClusterQuorum, _gregor_v1_ClusterQuorum__Output>
      ClusterVoter: MessageTypeDefinition<_gregor_v1_ClusterVoter, _gregor_v1_ClusterVoter__Output>
      DescribeClusterRequest: MessageTypeDefinition<_gregor_v1_DescribeClusterRequest, _gregor_v1_DescribeClusterRequest__Output>
      DescribeClusterResponse: MessageTypeDefinition<_gregor_v1_DescribeClusterResponse, _gregor_v1_DescribeClusterResponse__Output>
      GregorAdmin: SubtypeConstructor<typeof grpc.Client, _gregor_v1_GregorAdminClient> & { service: _gregor_v1_GregorAdminDefinition }
    }
  }
}

