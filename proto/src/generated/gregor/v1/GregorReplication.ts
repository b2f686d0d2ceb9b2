// Original file: gregor/v1/replication.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { OffsetsForLeaderEpochRequest as _gregor_v1_OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochRequest__Output as _gregor_v1_OffsetsForLeaderEpochRequest__Output } from '../../gregor/v1/OffsetsForLeaderEpochRequest';
import type { OffsetsForLeaderEpochResponse as _gregor_v1_OffsetsForLeaderEpochResponse, OffsetsForLeaderEpochResponse__Output as _gregor_v1_OffsetsForLeaderEpochResponse__Output } from '../../gregor/v1/OffsetsForLeaderEpochResponse';
import type { ReplicaFetchRequest as _gregor_v1_ReplicaFetchRequest, ReplicaFetchRequest__Output as _gregor_v1_ReplicaFetchRequest__Output } from '../../gregor/v1/ReplicaFetchRequest';
import type { ReplicaFetchResponse as _gregor_v1_ReplicaFetchResponse, ReplicaFetchResponse__Output as _gregor_v1_ReplicaFetchResponse__Output } from '../../gregor/v1/ReplicaFetchResponse';

export interface GregorReplicationClient extends grpc.Client {
  FetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  FetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  FetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  FetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  fetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  fetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  fetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  fetchFromLeader(argument: _gregor_v1_ReplicaFetchRequest, callback: grpc.requestCallback<_gregor_v1_ReplicaFetchResponse__Output>): grpc.ClientUnaryCall;
  
  FetchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ReplicaFetchRequest, _gregor_v1_ReplicaFetchResponse__Output>;
  FetchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ReplicaFetchRequest, _gregor_v1_ReplicaFetchResponse__Output>;
  fetchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ReplicaFetchRequest, _gregor_v1_ReplicaFetchResponse__Output>;
  fetchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ReplicaFetchRequest, _gregor_v1_ReplicaFetchResponse__Output>;
  
  OffsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  OffsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  OffsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  OffsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  offsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  offsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  offsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  offsetsForLeaderEpoch(argument: _gregor_v1_OffsetsForLeaderEpochRequest, callback: grpc.requestCallback<_gregor_v1_OffsetsForLeaderEpochResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GregorReplicationHandlers extends grpc.UntypedServiceImplementation {
  FetchFromLeader: grpc.handleUnaryCall<_gregor_v1_ReplicaFetchRequest__Output, _gregor_v1_ReplicaFetchResponse>;
  
  FetchStream: grpc.handleBidiStreamingCall<_gregor_v1_ReplicaFetchRequest__Output, _gregor_v1_ReplicaFetchResponse>;
  
  OffsetsForLeaderEpoch: grpc.handleUnaryCall<_gregor_v1_OffsetsForLeaderEpochRequest__Output, _gregor_v1_OffsetsForLeaderEpochResponse>;
  
}

export interface GregorReplicationDefinition extends grpc.ServiceDefinition {
  FetchFromLeader: MethodDefinition<_gregor_v1_ReplicaFetchRequest, _gregor_v1_ReplicaFetchResponse, _gregor_v1_ReplicaFetchRequest__Output, _gregor_v1_ReplicaFetchResponse__Output>
  FetchStream: MethodDefinition<_gregor_v1_ReplicaFetchRequest, _gregor_v1_ReplicaFetchResponse, _gregor_v1_ReplicaFetchRequest__Output, _gregor_v1_ReplicaFetchResponse__Output>
  OffsetsForLeaderEpoch: MethodDefinition<_gregor_v1_OffsetsForLeaderEpochRequest, _gregor_v1_OffsetsForLeaderEpochResponse, _gregor_v1_OffsetsForLeaderEpochRequest__Output, _gregor_v1_OffsetsForLeaderEpochResponse__Output>
}
