// Original file: gregor/v1/client.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterConfigsRequest as _gregor_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _gregor_v1_AlterConfigsRequest__Output } from '../../gregor/v1/AlterConfigsRequest';
import type { AlterConfigsResponse as _gregor_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _gregor_v1_AlterConfigsResponse__Output } from '../../gregor/v1/AlterConfigsResponse';
import type { CreateTopicsRequest as _gregor_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _gregor_v1_CreateTopicsRequest__Output } from '../../gregor/v1/CreateTopicsRequest';
import type { CreateTopicsResponse as _gregor_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _gregor_v1_CreateTopicsResponse__Output } from '../../gregor/v1/CreateTopicsResponse';
import type { DeleteTopicsRequest as _gregor_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _gregor_v1_DeleteTopicsRequest__Output } from '../../gregor/v1/DeleteTopicsRequest';
import type { DeleteTopicsResponse as _gregor_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _gregor_v1_DeleteTopicsResponse__Output } from '../../gregor/v1/DeleteTopicsResponse';
import type { DescribeConfigsRequest as _gregor_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _gregor_v1_DescribeConfigsRequest__Output } from '../../gregor/v1/DescribeConfigsRequest';
import type { DescribeConfigsResponse as _gregor_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _gregor_v1_DescribeConfigsResponse__Output } from '../../gregor/v1/DescribeConfigsResponse';
import type { FetchRequest as _gregor_v1_FetchRequest, FetchRequest__Output as _gregor_v1_FetchRequest__Output } from '../../gregor/v1/FetchRequest';
import type { FetchResponse as _gregor_v1_FetchResponse, FetchResponse__Output as _gregor_v1_FetchResponse__Output } from '../../gregor/v1/FetchResponse';
import type { InitProducerIdRequest as _gregor_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _gregor_v1_InitProducerIdRequest__Output } from '../../gregor/v1/InitProducerIdRequest';
import type { InitProducerIdResponse as _gregor_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _gregor_v1_InitProducerIdResponse__Output } from '../../gregor/v1/InitProducerIdResponse';
import type { ListOffsetsRequest as _gregor_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _gregor_v1_ListOffsetsRequest__Output } from '../../gregor/v1/ListOffsetsRequest';
import type { ListOffsetsResponse as _gregor_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _gregor_v1_ListOffsetsResponse__Output } from '../../gregor/v1/ListOffsetsResponse';
import type { MetadataRequest as _gregor_v1_MetadataRequest, MetadataRequest__Output as _gregor_v1_MetadataRequest__Output } from '../../gregor/v1/MetadataRequest';
import type { MetadataResponse as _gregor_v1_MetadataResponse, MetadataResponse__Output as _gregor_v1_MetadataResponse__Output } from '../../gregor/v1/MetadataResponse';
import type { ProduceRequest as _gregor_v1_ProduceRequest, ProduceRequest__Output as _gregor_v1_ProduceRequest__Output } from '../../gregor/v1/ProduceRequest';
import type { ProduceResponse as _gregor_v1_ProduceResponse, ProduceResponse__Output as _gregor_v1_ProduceResponse__Output } from '../../gregor/v1/ProduceResponse';

export interface GregorClient extends grpc.Client {
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopics(argument: _gregor_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _gregor_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _gregor_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _gregor_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_DeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_DeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_DeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_DeleteTopicsRequest, callback: grpc.requestCallback<_gregor_v1_DeleteTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeConfigs(argument: _gregor_v1_DescribeConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _gregor_v1_DescribeConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _gregor_v1_DescribeConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  DescribeConfigs(argument: _gregor_v1_DescribeConfigsRequest, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _gregor_v1_DescribeConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _gregor_v1_DescribeConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _gregor_v1_DescribeConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  describeConfigs(argument: _gregor_v1_DescribeConfigsRequest, callback: grpc.requestCallback<_gregor_v1_DescribeConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  Fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _gregor_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _gregor_v1_FetchRequest, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  Metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _gregor_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _gregor_v1_MetadataRequest, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  
  Produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _gregor_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _gregor_v1_ProduceRequest, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GregorHandlers extends grpc.UntypedServiceImplementation {
  AlterConfigs: grpc.handleUnaryCall<_gregor_v1_AlterConfigsRequest__Output, _gregor_v1_AlterConfigsResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_gregor_v1_CreateTopicsRequest__Output, _gregor_v1_CreateTopicsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_gregor_v1_DeleteTopicsRequest__Output, _gregor_v1_DeleteTopicsResponse>;
  
  DescribeConfigs: grpc.handleUnaryCall<_gregor_v1_DescribeConfigsRequest__Output, _gregor_v1_DescribeConfigsResponse>;
  
  Fetch: grpc.handleUnaryCall<_gregor_v1_FetchRequest__Output, _gregor_v1_FetchResponse>;
  
  InitProducerId: grpc.handleUnaryCall<_gregor_v1_InitProducerIdRequest__Output, _gregor_v1_InitProducerIdResponse>;
  
  ListOffsets: grpc.handleUnaryCall<_gregor_v1_ListOffsetsRequest__Output, _gregor_v1_ListOffsetsResponse>;
  
  Metadata: grpc.handleUnaryCall<_gregor_v1_MetadataRequest__Output, _gregor_v1_MetadataResponse>;
  
  Produce: grpc.handleUnaryCall<_gregor_v1_ProduceRequest__Output, _gregor_v1_ProduceResponse>;
  
}

export interface GregorDefinition extends grpc.ServiceDefinition {
  AlterConfigs: MethodDefinition<_gregor_v1_AlterConfigsRequest, _gregor_v1_AlterConfigsResponse, _gregor_v1_AlterConfigsRequest__Output, _gregor_v1_AlterConfigsResponse__Output>
  CreateTopics: MethodDefinition<_gregor_v1_CreateTopicsRequest, _gregor_v1_CreateTopicsResponse, _gregor_v1_CreateTopicsRequest__Output, _gregor_v1_CreateTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_gregor_v1_DeleteTopicsRequest, _gregor_v1_DeleteTopicsResponse, _gregor_v1_DeleteTopicsRequest__Output, _gregor_v1_DeleteTopicsResponse__Output>
  DescribeConfigs: MethodDefinition<_gregor_v1_DescribeConfigsRequest, _gregor_v1_DescribeConfigsResponse, _gregor_v1_DescribeConfigsRequest__Output, _gregor_v1_DescribeConfigsResponse__Output>
  Fetch: MethodDefinition<_gregor_v1_FetchRequest, _gregor_v1_FetchResponse, _gregor_v1_FetchRequest__Output, _gregor_v1_FetchResponse__Output>
  InitProducerId: MethodDefinition<_gregor_v1_InitProducerIdRequest, _gregor_v1_InitProducerIdResponse, _gregor_v1_InitProducerIdRequest__Output, _gregor_v1_InitProducerIdResponse__Output>
  ListOffsets: MethodDefinition<_gregor_v1_ListOffsetsRequest, _gregor_v1_ListOffsetsResponse, _gregor_v1_ListOffsetsRequest__Output, _gregor_v1_ListOffsetsResponse__Output>
  Metadata: MethodDefinition<_gregor_v1_MetadataRequest, _gregor_v1_MetadataResponse, _gregor_v1_MetadataRequest__Output, _gregor_v1_MetadataResponse__Output>
  Produce: MethodDefinition<_gregor_v1_ProduceRequest, _gregor_v1_ProduceResponse, _gregor_v1_ProduceRequest__Output, _gregor_v1_ProduceResponse__Output>
}
