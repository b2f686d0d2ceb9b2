import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AlterConfigsRequest as _gregor_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _gregor_v1_AlterConfigsRequest__Output } from './gregor/v1/AlterConfigsRequest';
import type { AlterConfigsResource as _gregor_v1_AlterConfigsResource, AlterConfigsResource__Output as _gregor_v1_AlterConfigsResource__Output } from './gregor/v1/AlterConfigsResource';
import type { AlterConfigsResponse as _gregor_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _gregor_v1_AlterConfigsResponse__Output } from './gregor/v1/AlterConfigsResponse';
import type { AlterConfigsResult as _gregor_v1_AlterConfigsResult, AlterConfigsResult__Output as _gregor_v1_AlterConfigsResult__Output } from './gregor/v1/AlterConfigsResult';
import type { Broker as _gregor_v1_Broker, Broker__Output as _gregor_v1_Broker__Output } from './gregor/v1/Broker';
import type { ConfigEntry as _gregor_v1_ConfigEntry, ConfigEntry__Output as _gregor_v1_ConfigEntry__Output } from './gregor/v1/ConfigEntry';
import type { ConfigResource as _gregor_v1_ConfigResource, ConfigResource__Output as _gregor_v1_ConfigResource__Output } from './gregor/v1/ConfigResource';
import type { CreatableTopic as _gregor_v1_CreatableTopic, CreatableTopic__Output as _gregor_v1_CreatableTopic__Output } from './gregor/v1/CreatableTopic';
import type { CreatableTopicResult as _gregor_v1_CreatableTopicResult, CreatableTopicResult__Output as _gregor_v1_CreatableTopicResult__Output } from './gregor/v1/CreatableTopicResult';
import type { CreateTopicsRequest as _gregor_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _gregor_v1_CreateTopicsRequest__Output } from './gregor/v1/CreateTopicsRequest';
import type { CreateTopicsResponse as _gregor_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _gregor_v1_CreateTopicsResponse__Output } from './gregor/v1/CreateTopicsResponse';
import type { DeletableTopicResult as _gregor_v1_DeletableTopicResult, DeletableTopicResult__Output as _gregor_v1_DeletableTopicResult__Output } from './gregor/v1/DeletableTopicResult';
import type { DeleteTopicsRequest as _gregor_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _gregor_v1_DeleteTopicsRequest__Output } from './gregor/v1/DeleteTopicsRequest';
import type { DeleteTopicsResponse as _gregor_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _gregor_v1_DeleteTopicsResponse__Output } from './gregor/v1/DeleteTopicsResponse';
import type { DescribeConfigsRequest as _gregor_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _gregor_v1_DescribeConfigsRequest__Output } from './gregor/v1/DescribeConfigsRequest';
import type { DescribeConfigsResponse as _gregor_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _gregor_v1_DescribeConfigsResponse__Output } from './gregor/v1/DescribeConfigsResponse';
import type { DescribeConfigsResult as _gregor_v1_DescribeConfigsResult, DescribeConfigsResult__Output as _gregor_v1_DescribeConfigsResult__Output } from './gregor/v1/DescribeConfigsResult';
import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from './gregor/v1/Error';
import type { FetchPartition as _gregor_v1_FetchPartition, FetchPartition__Output as _gregor_v1_FetchPartition__Output } from './gregor/v1/FetchPartition';
import type { FetchPartitionResult as _gregor_v1_FetchPartitionResult, FetchPartitionResult__Output as _gregor_v1_FetchPartitionResult__Output } from './gregor/v1/FetchPartitionResult';
import type { FetchRequest as _gregor_v1_FetchRequest, FetchRequest__Output as _gregor_v1_FetchRequest__Output } from './gregor/v1/FetchRequest';
import type { FetchResponse as _gregor_v1_FetchResponse, FetchResponse__Output as _gregor_v1_FetchResponse__Output } from './gregor/v1/FetchResponse';
import type { FetchTopic as _gregor_v1_FetchTopic, FetchTopic__Output as _gregor_v1_FetchTopic__Output } from './gregor/v1/FetchTopic';
import type { FetchTopicResult as _gregor_v1_FetchTopicResult, FetchTopicResult__Output as _gregor_v1_FetchTopicResult__Output } from './gregor/v1/FetchTopicResult';
import type { GregorClient as _gregor_v1_GregorClient, GregorDefinition as _gregor_v1_GregorDefinition } from './gregor/v1/Gregor';
import type { InitProducerIdRequest as _gregor_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _gregor_v1_InitProducerIdRequest__Output } from './gregor/v1/InitProducerIdRequest';
import type { InitProducerIdResponse as _gregor_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _gregor_v1_InitProducerIdResponse__Output } from './gregor/v1/InitProducerIdResponse';
import type { ListOffsetsPartition as _gregor_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _gregor_v1_ListOffsetsPartition__Output } from './gregor/v1/ListOffsetsPartition';
import type { ListOffsetsPartitionResult as _gregor_v1_ListOffsetsPartitionResult, ListOffsetsPartitionResult__Output as _gregor_v1_ListOffsetsPartitionResult__Output } from './gregor/v1/ListOffsetsPartitionResult';
import type { ListOffsetsRequest as _gregor_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _gregor_v1_ListOffsetsRequest__Output } from './gregor/v1/ListOffsetsRequest';
import type { ListOffsetsResponse as _gregor_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _gregor_v1_ListOffsetsResponse__Output } from './gregor/v1/ListOffsetsResponse';
import type { ListOffsetsTopic as _gregor_v1_ListOffsetsTopic, ListOffsetsTopic__Output as _gregor_v1_ListOffsetsTopic__Output } from './gregor/v1/ListOffsetsTopic';
import type { ListOffsetsTopicResult as _gregor_v1_ListOffsetsTopicResult, ListOffsetsTopicResult__Output as _gregor_v1_ListOffsetsTopicResult__Output } from './gregor/v1/ListOffsetsTopicResult';
import type { MetadataRequest as _gregor_v1_MetadataRequest, MetadataRequest__Output as _gregor_v1_MetadataRequest__Output } from './gregor/v1/MetadataRequest';
import type { MetadataResponse as _gregor_v1_MetadataResponse, MetadataResponse__Output as _gregor_v1_MetadataResponse__Output } from './gregor/v1/MetadataResponse';
import type { PartitionMetadata as _gregor_v1_PartitionMetadata, PartitionMetadata__Output as _gregor_v1_PartitionMetadata__Output } from './gregor/v1/PartitionMetadata';
import type { ProducePartition as _gregor_v1_ProducePartition, ProducePartition__Output as _gregor_v1_ProducePartition__Output } from './gregor/v1/ProducePartition';
import type { ProducePartitionResult as _gregor_v1_ProducePartitionResult, ProducePartitionResult__Output as _gregor_v1_ProducePartitionResult__Output } from './gregor/v1/ProducePartitionResult';
import type { ProduceRequest as _gregor_v1_ProduceRequest, ProduceRequest__Output as _gregor_v1_ProduceRequest__Output } from './gregor/v1/ProduceRequest';
import type { ProduceResponse as _gregor_v1_ProduceResponse, ProduceResponse__Output as _gregor_v1_ProduceResponse__Output } from './gregor/v1/ProduceResponse';
import type { ProduceTopic as _gregor_v1_ProduceTopic, ProduceTopic__Output as _gregor_v1_ProduceTopic__Output } from './gregor/v1/ProduceTopic';
import type { ProduceTopicResult as _gregor_v1_ProduceTopicResult, ProduceTopicResult__Output as _gregor_v1_ProduceTopicResult__Output } from './gregor/v1/ProduceTopicResult';
import type { TopicMetadata as _gregor_v1_TopicMetadata, TopicMetadata__Output as _gregor_v1_TopicMetadata__Output } from './gregor/v1/TopicMetadata';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gregor: {
    v1: {
      AlterConfigsRequest: MessageTypeDefinition<_gregor_v1_AlterConfigsRequest, _gregor_v1_AlterConfigsRequest__Output>
      AlterConfigsResource: MessageTypeDefinition<_gregor_v1_AlterConfigsResource, _gregor_v1_AlterConfigsResource__Output>
      AlterConfigsResponse: MessageTypeDefinition<_gregor_v1_AlterConfigsResponse, _gregor_v1_AlterConfigsResponse__Output>
      AlterConfigsResult: MessageTypeDefinition<_gregor_v1_AlterConfigsResult, _gregor_v1_AlterConfigsResult__Output>
      Broker: MessageTypeDefinition<_gregor_v1_Broker, _gregor_v1_Broker__Output>
      ConfigEntry: MessageTypeDefinition<_gregor_v1_ConfigEntry, _gregor_v1_ConfigEntry__Output>
      ConfigResource: MessageTypeDefinition<_gregor_v1_ConfigResource, _gregor_v1_ConfigResource__Output>
      CreatableTopic: MessageTypeDefinition<_gregor_v1_CreatableTopic, _gregor_v1_CreatableTopic__Output>
      CreatableTopicResult: MessageTypeDefinition<_gregor_v1_CreatableTopicResult, _gregor_v1_CreatableTopicResult__Output>
      CreateTopicsRequest: MessageTypeDefinition<_gregor_v1_CreateTopicsRequest, _gregor_v1_CreateTopicsRequest__Output>
      CreateTopicsResponse: MessageTypeDefinition<_gregor_v1_CreateTopicsResponse, _gregor_v1_CreateTopicsResponse__Output>
      DeletableTopicResult: MessageTypeDefinition<_gregor_v1_DeletableTopicResult, _gregor_v1_DeletableTopicResult__Output>
      DeleteTopicsRequest: MessageTypeDefinition<_gregor_v1_DeleteTopicsRequest, _gregor_v1_DeleteTopicsRequest__Output>
      DeleteTopicsResponse: MessageTypeDefinition<_gregor_v1_DeleteTopicsResponse, _gregor_v1_DeleteTopicsResponse__Output>
      DescribeConfigsRequest: MessageTypeDefinition<_gregor_v1_DescribeConfigsRequest, _gregor_v1_DescribeConfigsRequest__Output>
      DescribeConfigsResponse: MessageTypeDefinition<_gregor_v1_DescribeConfigsResponse, _gregor_v1_DescribeConfigsResponse__Output>
      DescribeConfigsResult: MessageTypeDefinition<_gregor_v1_DescribeConfigsResult, _gregor_v1_DescribeConfigsResult__Output>
      Error: MessageTypeDefinition<_gregor_v1_Error, _gregor_v1_Error__Output>
      FetchPartition: MessageTypeDefinition<_gregor_v1_FetchPartition, _gregor_v1_FetchPartition__Output>
      FetchPartitionResult: MessageTypeDefinition<_gregor_v1_FetchPartitionResult, _gregor_v1_FetchPartitionResult__Output>
      FetchRequest: MessageTypeDefinition<_gregor_v1_FetchRequest, _gregor_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_gregor_v1_FetchResponse, _gregor_v1_FetchResponse__Output>
      FetchTopic: MessageTypeDefinition<_gregor_v1_FetchTopic, _gregor_v1_FetchTopic__Output>
      FetchTopicResult: MessageTypeDefinition<_gregor_v1_FetchTopicResult, _gregor_v1_FetchTopicResult__Output>
      Gregor: SubtypeConstructor<typeof grpc.Client, _gregor_v1_GregorClient> & { service: _gregor_v1_GregorDefinition }
      InitProducerIdRequest: MessageTypeDefinition<_gregor_v1_InitProducerIdRequest, _gregor_v1_InitProducerIdRequest__Output>
      InitProducerIdResponse: MessageTypeDefinition<_gregor_v1_InitProducerIdResponse, _gregor_v1_InitProducerIdResponse__Output>
      ListOffsetsPartition: MessageTypeDefinition<_gregor_v1_ListOffsetsPartition, _gregor_v1_ListOffsetsPartition__Output>
      ListOffsetsPartitionResult: MessageTypeDefinition<_gregor_v1_ListOffsetsPartitionResult, _gregor_v1_ListOffsetsPartitionResult__Output>
      ListOffsetsRequest: MessageTypeDefinition<_gregor_v1_ListOffsetsRequest, _gregor_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_gregor_v1_ListOffsetsResponse, _gregor_v1_ListOffsetsResponse__Output>
      ListOffsetsTopic: MessageTypeDefinition<_gregor_v1_ListOffsetsTopic, _gregor_v1_ListOffsetsTopic__Output>
      ListOffsetsTopicResult: MessageTypeDefinition<_gregor_v1_ListOffsetsTopicResult, _gregor_v1_ListOffsetsTopicResult__Output>
      MetadataRequest: MessageTypeDefinition<_gregor_v1_MetadataRequest, _gregor_v1_MetadataRequest__Output>
      MetadataResponse: MessageTypeDefinition<_gregor_v1_MetadataResponse, _gregor_v1_MetadataResponse__Output>
      PartitionMetadata: MessageTypeDefinition<_gregor_v1_PartitionMetadata, _gregor_v1_PartitionMetadata__Output>
      ProducePartition: MessageTypeDefinition<_gregor_v1_ProducePartition, _gregor_v1_ProducePartition__Output>
      ProducePartitionResult: MessageTypeDefinition<_gregor_v1_ProducePartitionResult, _gregor_v1_ProducePartitionResult__Output>
      ProduceRequest: MessageTypeDefinition<_gregor_v1_ProduceRequest, _gregor_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_gregor_v1_ProduceResponse, _gregor_v1_ProduceResponse__Output>
      ProduceTopic: MessageTypeDefinition<_gregor_v1_ProduceTopic, _gregor_v1_ProduceTopic__Output>
      ProduceTopicResult: MessageTypeDefinition<_gregor_v1_ProduceTopicResult, _gregor_v1_ProduceTopicResult__Output>
      ResourceType: EnumTypeDefinition
      TopicMetadata: MessageTypeDefinition<_gregor_v1_TopicMetadata, _gregor_v1_TopicMetadata__Output>
    }
  }
}

