// Original file: gregor/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeClusterRequest as _gregor_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _gregor_v1_DescribeClusterRequest__Output } from '../../gregor/v1/DescribeClusterRequest';
import type { DescribeClusterResponse as _gregor_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _gregor_v1_DescribeClusterResponse__Output } from '../../gregor/v1/DescribeClusterResponse';

export interface GregorAdminClient extends grpc.Client {
  DescribeCluster(argument: _gregor_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _gregor_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _gregor_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _gregor_v1_DescribeClusterRequest, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _gregor_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _gregor_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _gregor_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _gregor_v1_DescribeClusterRequest, callback: grpc.requestCallback<_gregor_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GregorAdminHandlers extends grpc.UntypedServiceImplementation {
  DescribeCluster: grpc.handleUnaryCall<_gregor_v1_DescribeClusterRequest__Output, _gregor_v1_DescribeClusterResponse>;
  
}

export interface GregorAdminDefinition extends grpc.ServiceDefinition {
  DescribeCluster: MethodDefinition<_gregor_v1_DescribeClusterRequest, _gregor_v1_DescribeClusterResponse, _gregor_v1_DescribeClusterRequest__Output, _gregor_v1_DescribeClusterResponse__Output>
}
