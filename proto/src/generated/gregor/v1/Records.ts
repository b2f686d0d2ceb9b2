// Original file: gregor/v1/records.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { PublishRequest as _gregor_v1_PublishRequest, PublishRequest__Output as _gregor_v1_PublishRequest__Output } from '../../gregor/v1/PublishRequest';
import type { PublishResponse as _gregor_v1_PublishResponse, PublishResponse__Output as _gregor_v1_PublishResponse__Output } from '../../gregor/v1/PublishResponse';
import type { ReadRequest as _gregor_v1_ReadRequest, ReadRequest__Output as _gregor_v1_ReadRequest__Output } from '../../gregor/v1/ReadRequest';
import type { ReadResponse as _gregor_v1_ReadResponse, ReadResponse__Output as _gregor_v1_ReadResponse__Output } from '../../gregor/v1/ReadResponse';
import type { SubscribeRequest as _gregor_v1_SubscribeRequest, SubscribeRequest__Output as _gregor_v1_SubscribeRequest__Output } from '../../gregor/v1/SubscribeRequest';
import type { SubscribeResponse as _gregor_v1_SubscribeResponse, SubscribeResponse__Output as _gregor_v1_SubscribeResponse__Output } from '../../gregor/v1/SubscribeResponse';

export interface RecordsClient extends grpc.Client {
  Publish(argument: _gregor_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _gregor_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _gregor_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _gregor_v1_PublishRequest, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _gregor_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _gregor_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _gregor_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _gregor_v1_PublishRequest, callback: grpc.requestCallback<_gregor_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  
  Read(argument: _gregor_v1_ReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _gregor_v1_ReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _gregor_v1_ReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _gregor_v1_ReadRequest, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _gregor_v1_ReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _gregor_v1_ReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _gregor_v1_ReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _gregor_v1_ReadRequest, callback: grpc.requestCallback<_gregor_v1_ReadResponse__Output>): grpc.ClientUnaryCall;
  
  Subscribe(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_SubscribeRequest, _gregor_v1_SubscribeResponse__Output>;
  Subscribe(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_SubscribeRequest, _gregor_v1_SubscribeResponse__Output>;
  subscribe(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_SubscribeRequest, _gregor_v1_SubscribeResponse__Output>;
  subscribe(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_SubscribeRequest, _gregor_v1_SubscribeResponse__Output>;
  
}

export interface RecordsHandlers extends grpc.UntypedServiceImplementation {
  Publish: grpc.handleUnaryCall<_gregor_v1_PublishRequest__Output, _gregor_v1_PublishResponse>;
  
  Read: grpc.handleUnaryCall<_gregor_v1_ReadRequest__Output, _gregor_v1_ReadResponse>;
  
  Subscribe: grpc.handleBidiStreamingCall<_gregor_v1_SubscribeRequest__Output, _gregor_v1_SubscribeResponse>;
  
}

export interface RecordsDefinition extends grpc.ServiceDefinition {
  Publish: MethodDefinition<_gregor_v1_PublishRequest, _gregor_v1_PublishResponse, _gregor_v1_PublishRequest__Output, _gregor_v1_PublishResponse__Output>
  Read: MethodDefinition<_gregor_v1_ReadRequest, _gregor_v1_ReadResponse, _gregor_v1_ReadRequest__Output, _gregor_v1_ReadResponse__Output>
  Subscribe: MethodDefinition<_gregor_v1_SubscribeRequest, _gregor_v1_SubscribeResponse, _gregor_v1_SubscribeRequest__Output, _gregor_v1_SubscribeResponse__Output>
}
