import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbortedTransaction as _gregor_v1_AbortedTransaction, AbortedTransaction__Output as _gregor_v1_AbortedTransaction__Output } from './gregor/v1/AbortedTransaction';
import type { AddOffsetsToTxnRequest as _gregor_v1_AddOffsetsToTxnRequest, AddOffsetsToTxnRequest__Output as _gregor_v1_AddOffsetsToTxnRequest__Output } from './gregor/v1/AddOffsetsToTxnRequest';
import type { AddOffsetsToTxnResponse as _gregor_v1_AddOffsetsToTxnResponse, AddOffsetsToTxnResponse__Output as _gregor_v1_AddOffsetsToTxnResponse__Output } from './gregor/v1/AddOffsetsToTxnResponse';
import type { AddPartitionsRequest as _gregor_v1_AddPartitionsRequest, AddPartitionsRequest__Output as _gregor_v1_AddPartitionsRequest__Output } from './gregor/v1/AddPartitionsRequest';
import type { AddPartitionsResponse as _gregor_v1_AddPartitionsResponse, AddPartitionsResponse__Output as _gregor_v1_AddPartitionsResponse__Output } from './gregor/v1/AddPartitionsResponse';
import type { AddPartitionsToTxnRequest as _gregor_v1_AddPartitionsToTxnRequest, AddPartitionsToTxnRequest__Output as _gregor_v1_AddPartitionsToTxnRequest__Output } from './gregor/v1/AddPartitionsToTxnRequest';
import type { AddPartitionsToTxnResponse as _gregor_v1_AddPartitionsToTxnResponse, AddPartitionsToTxnResponse__Output as _gregor_v1_AddPartitionsToTxnResponse__Output } from './gregor/v1/AddPartitionsToTxnResponse';
import type { AddPartitionsTopic as _gregor_v1_AddPartitionsTopic, AddPartitionsTopic__Output as _gregor_v1_AddPartitionsTopic__Output } from './gregor/v1/AddPartitionsTopic';
import type { AddPartitionsTopicResult as _gregor_v1_AddPartitionsTopicResult, AddPartitionsTopicResult__Output as _gregor_v1_AddPartitionsTopicResult__Output } from './gregor/v1/AddPartitionsTopicResult';
import type { AlterConfigsRequest as _gregor_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _gregor_v1_AlterConfigsRequest__Output } from './gregor/v1/AlterConfigsRequest';
import type { AlterConfigsResource as _gregor_v1_AlterConfigsResource, AlterConfigsResource__Output as _gregor_v1_AlterConfigsResource__Output } from './gregor/v1/AlterConfigsResource';
import type { AlterConfigsResponse as _gregor_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _gregor_v1_AlterConfigsResponse__Output } from './gregor/v1/AlterConfigsResponse';
import type { AlterConfigsResult as _gregor_v1_AlterConfigsResult, AlterConfigsResult__Output as _gregor_v1_AlterConfigsResult__Output } from './gregor/v1/AlterConfigsResult';
import type { Broker as _gregor_v1_Broker, Broker__Output as _gregor_v1_Broker__Output } from './gregor/v1/Broker';
import type { ConfigEntry as _gregor_v1_ConfigEntry, ConfigEntry__Output as _gregor_v1_ConfigEntry__Output } from './gregor/v1/ConfigEntry';
import type { ConfigResource as _gregor_v1_ConfigResource, ConfigResource__Output as _gregor_v1_ConfigResource__Output } from './gregor/v1/ConfigResource';
import type { Coordinator as _gregor_v1_Coordinator, Coordinator__Output as _gregor_v1_Coordinator__Output } from './gregor/v1/Coordinator';
import type { CreatableTopic as _gregor_v1_CreatableTopic, CreatableTopic__Output as _gregor_v1_CreatableTopic__Output } from './gregor/v1/CreatableTopic';
import type { CreatableTopicResult as _gregor_v1_CreatableTopicResult, CreatableTopicResult__Output as _gregor_v1_CreatableTopicResult__Output } from './gregor/v1/CreatableTopicResult';
import type { CreateTopicsRequest as _gregor_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _gregor_v1_CreateTopicsRequest__Output } from './gregor/v1/CreateTopicsRequest';
import type { CreateTopicsResponse as _gregor_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _gregor_v1_CreateTopicsResponse__Output } from './gregor/v1/CreateTopicsResponse';
import type { DeletableGroupResult as _gregor_v1_DeletableGroupResult, DeletableGroupResult__Output as _gregor_v1_DeletableGroupResult__Output } from './gregor/v1/DeletableGroupResult';
import type { DeletableTopicResult as _gregor_v1_DeletableTopicResult, DeletableTopicResult__Output as _gregor_v1_DeletableTopicResult__Output } from './gregor/v1/DeletableTopicResult';
import type { DeleteGroupsRequest as _gregor_v1_DeleteGroupsRequest, DeleteGroupsRequest__Output as _gregor_v1_DeleteGroupsRequest__Output } from './gregor/v1/DeleteGroupsRequest';
import type { DeleteGroupsResponse as _gregor_v1_DeleteGroupsResponse, DeleteGroupsResponse__Output as _gregor_v1_DeleteGroupsResponse__Output } from './gregor/v1/DeleteGroupsResponse';
import type { DeleteRecordsPartition as _gregor_v1_DeleteRecordsPartition, DeleteRecordsPartition__Output as _gregor_v1_DeleteRecordsPartition__Output } from './gregor/v1/DeleteRecordsPartition';
import type { DeleteRecordsPartitionResult as _gregor_v1_DeleteRecordsPartitionResult, DeleteRecordsPartitionResult__Output as _gregor_v1_DeleteRecordsPartitionResult__Output } from './gregor/v1/DeleteRecordsPartitionResult';
import type { DeleteRecordsRequest as _gregor_v1_DeleteRecordsRequest, DeleteRecordsRequest__Output as _gregor_v1_DeleteRecordsRequest__Output } from './gregor/v1/DeleteRecordsRequest';
import type { DeleteRecordsResponse as _gregor_v1_DeleteRecordsResponse, DeleteRecordsResponse__Output as _gregor_v1_DeleteRecordsResponse__Output } from './gregor/v1/DeleteRecordsResponse';
import type { DeleteRecordsTopic as _gregor_v1_DeleteRecordsTopic, DeleteRecordsTopic__Output as _gregor_v1_DeleteRecordsTopic__Output } from './gregor/v1/DeleteRecordsTopic';
import type { DeleteRecordsTopicResult as _gregor_v1_DeleteRecordsTopicResult, DeleteRecordsTopicResult__Output as _gregor_v1_DeleteRecordsTopicResult__Output } from './gregor/v1/DeleteRecordsTopicResult';
import type { DeleteTopicsRequest as _gregor_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _gregor_v1_DeleteTopicsRequest__Output } from './gregor/v1/DeleteTopicsRequest';
import type { DeleteTopicsResponse as _gregor_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _gregor_v1_DeleteTopicsResponse__Output } from './gregor/v1/DeleteTopicsResponse';
import type { DescribeConfigsRequest as _gregor_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _gregor_v1_DescribeConfigsRequest__Output } from './gregor/v1/DescribeConfigsRequest';
import type { DescribeConfigsResponse as _gregor_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _gregor_v1_DescribeConfigsResponse__Output } from './gregor/v1/DescribeConfigsResponse';
import type { DescribeConfigsResult as _gregor_v1_DescribeConfigsResult, DescribeConfigsResult__Output as _gregor_v1_DescribeConfigsResult__Output } from './gregor/v1/DescribeConfigsResult';
import type { DescribeGroupsRequest as _gregor_v1_DescribeGroupsRequest, DescribeGroupsRequest__Output as _gregor_v1_DescribeGroupsRequest__Output } from './gregor/v1/DescribeGroupsRequest';
import type { DescribeGroupsResponse as _gregor_v1_DescribeGroupsResponse, DescribeGroupsResponse__Output as _gregor_v1_DescribeGroupsResponse__Output } from './gregor/v1/DescribeGroupsResponse';
import type { DescribeProducersPartition as _gregor_v1_DescribeProducersPartition, DescribeProducersPartition__Output as _gregor_v1_DescribeProducersPartition__Output } from './gregor/v1/DescribeProducersPartition';
import type { DescribeProducersRequest as _gregor_v1_DescribeProducersRequest, DescribeProducersRequest__Output as _gregor_v1_DescribeProducersRequest__Output } from './gregor/v1/DescribeProducersRequest';
import type { DescribeProducersResponse as _gregor_v1_DescribeProducersResponse, DescribeProducersResponse__Output as _gregor_v1_DescribeProducersResponse__Output } from './gregor/v1/DescribeProducersResponse';
import type { DescribeProducersTopic as _gregor_v1_DescribeProducersTopic, DescribeProducersTopic__Output as _gregor_v1_DescribeProducersTopic__Output } from './gregor/v1/DescribeProducersTopic';
import type { DescribeTransactionsRequest as _gregor_v1_DescribeTransactionsRequest, DescribeTransactionsRequest__Output as _gregor_v1_DescribeTransactionsRequest__Output } from './gregor/v1/DescribeTransactionsRequest';
import type { DescribeTransactionsResponse as _gregor_v1_DescribeTransactionsResponse, DescribeTransactionsResponse__Output as _gregor_v1_DescribeTransactionsResponse__Output } from './gregor/v1/DescribeTransactionsResponse';
import type { DescribedGroup as _gregor_v1_DescribedGroup, DescribedGroup__Output as _gregor_v1_DescribedGroup__Output } from './gregor/v1/DescribedGroup';
import type { DescribedGroupMember as _gregor_v1_DescribedGroupMember, DescribedGroupMember__Output as _gregor_v1_DescribedGroupMember__Output } from './gregor/v1/DescribedGroupMember';
import type { EndTxnRequest as _gregor_v1_EndTxnRequest, EndTxnRequest__Output as _gregor_v1_EndTxnRequest__Output } from './gregor/v1/EndTxnRequest';
import type { EndTxnResponse as _gregor_v1_EndTxnResponse, EndTxnResponse__Output as _gregor_v1_EndTxnResponse__Output } from './gregor/v1/EndTxnResponse';
import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from './gregor/v1/Error';
import type { FetchPartition as _gregor_v1_FetchPartition, FetchPartition__Output as _gregor_v1_FetchPartition__Output } from './gregor/v1/FetchPartition';
import type { FetchPartitionResult as _gregor_v1_FetchPartitionResult, FetchPartitionResult__Output as _gregor_v1_FetchPartitionResult__Output } from './gregor/v1/FetchPartitionResult';
import type { FetchRequest as _gregor_v1_FetchRequest, FetchRequest__Output as _gregor_v1_FetchRequest__Output } from './gregor/v1/FetchRequest';
import type { FetchResponse as _gregor_v1_FetchResponse, FetchResponse__Output as _gregor_v1_FetchResponse__Output } from './gregor/v1/FetchResponse';
import type { FetchTopic as _gregor_v1_FetchTopic, FetchTopic__Output as _gregor_v1_FetchTopic__Output } from './gregor/v1/FetchTopic';
import type { FetchTopicResult as _gregor_v1_FetchTopicResult, FetchTopicResult__Output as _gregor_v1_FetchTopicResult__Output } from './gregor/v1/FetchTopicResult';
import type { FindCoordinatorRequest as _gregor_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _gregor_v1_FindCoordinatorRequest__Output } from './gregor/v1/FindCoordinatorRequest';
import type { FindCoordinatorResponse as _gregor_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _gregor_v1_FindCoordinatorResponse__Output } from './gregor/v1/FindCoordinatorResponse';
import type { GregorClient as _gregor_v1_GregorClient, GregorDefinition as _gregor_v1_GregorDefinition } from './gregor/v1/Gregor';
import type { HeartbeatRequest as _gregor_v1_HeartbeatRequest, HeartbeatRequest__Output as _gregor_v1_HeartbeatRequest__Output } from './gregor/v1/HeartbeatRequest';
import type { HeartbeatResponse as _gregor_v1_HeartbeatResponse, HeartbeatResponse__Output as _gregor_v1_HeartbeatResponse__Output } from './gregor/v1/HeartbeatResponse';
import type { InitProducerIdRequest as _gregor_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _gregor_v1_InitProducerIdRequest__Output } from './gregor/v1/InitProducerIdRequest';
import type { InitProducerIdResponse as _gregor_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _gregor_v1_InitProducerIdResponse__Output } from './gregor/v1/InitProducerIdResponse';
import type { JoinGroupMember as _gregor_v1_JoinGroupMember, JoinGroupMember__Output as _gregor_v1_JoinGroupMember__Output } from './gregor/v1/JoinGroupMember';
import type { JoinGroupProtocol as _gregor_v1_JoinGroupProtocol, JoinGroupProtocol__Output as _gregor_v1_JoinGroupProtocol__Output } from './gregor/v1/JoinGroupProtocol';
import type { JoinGroupRequest as _gregor_v1_JoinGroupRequest, JoinGroupRequest__Output as _gregor_v1_JoinGroupRequest__Output } from './gregor/v1/JoinGroupRequest';
import type { JoinGroupResponse as _gregor_v1_JoinGroupResponse, JoinGroupResponse__Output as _gregor_v1_JoinGroupResponse__Output } from './gregor/v1/JoinGroupResponse';
import type { LeaveGroupRequest as _gregor_v1_LeaveGroupRequest, LeaveGroupRequest__Output as _gregor_v1_LeaveGroupRequest__Output } from './gregor/v1/LeaveGroupRequest';
import type { LeaveGroupResponse as _gregor_v1_LeaveGroupResponse, LeaveGroupResponse__Output as _gregor_v1_LeaveGroupResponse__Output } from './gregor/v1/LeaveGroupResponse';
import type { LeavingMember as _gregor_v1_LeavingMember, LeavingMember__Output as _gregor_v1_LeavingMember__Output } from './gregor/v1/LeavingMember';
import type { LeftMember as _gregor_v1_LeftMember, LeftMember__Output as _gregor_v1_LeftMember__Output } from './gregor/v1/LeftMember';
import type { ListGroupsRequest as _gregor_v1_ListGroupsRequest, ListGroupsRequest__Output as _gregor_v1_ListGroupsRequest__Output } from './gregor/v1/ListGroupsRequest';
import type { ListGroupsResponse as _gregor_v1_ListGroupsResponse, ListGroupsResponse__Output as _gregor_v1_ListGroupsResponse__Output } from './gregor/v1/ListGroupsResponse';
import type { ListOffsetsPartition as _gregor_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _gregor_v1_ListOffsetsPartition__Output } from './gregor/v1/ListOffsetsPartition';
import type { ListOffsetsPartitionResult as _gregor_v1_ListOffsetsPartitionResult, ListOffsetsPartitionResult__Output as _gregor_v1_ListOffsetsPartitionResult__Output } from './gregor/v1/ListOffsetsPartitionResult';
import type { ListOffsetsRequest as _gregor_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _gregor_v1_ListOffsetsRequest__Output } from './gregor/v1/ListOffsetsRequest';
import type { ListOffsetsResponse as _gregor_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _gregor_v1_ListOffsetsResponse__Output } from './gregor/v1/ListOffsetsResponse';
import type { ListOffsetsTopic as _gregor_v1_ListOffsetsTopic, ListOffsetsTopic__Output as _gregor_v1_ListOffsetsTopic__Output } from './gregor/v1/ListOffsetsTopic';
import type { ListOffsetsTopicResult as _gregor_v1_ListOffsetsTopicResult, ListOffsetsTopicResult__Output as _gregor_v1_ListOffsetsTopicResult__Output } from './gregor/v1/ListOffsetsTopicResult';
import type { ListTransactionsRequest as _gregor_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _gregor_v1_ListTransactionsRequest__Output } from './gregor/v1/ListTransactionsRequest';
import type { ListTransactionsResponse as _gregor_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _gregor_v1_ListTransactionsResponse__Output } from './gregor/v1/ListTransactionsResponse';
import type { ListedGroup as _gregor_v1_ListedGroup, ListedGroup__Output as _gregor_v1_ListedGroup__Output } from './gregor/v1/ListedGroup';
import type { ListedTransaction as _gregor_v1_ListedTransaction, ListedTransaction__Output as _gregor_v1_ListedTransaction__Output } from './gregor/v1/ListedTransaction';
import type { MetadataRequest as _gregor_v1_MetadataRequest, MetadataRequest__Output as _gregor_v1_MetadataRequest__Output } from './gregor/v1/MetadataRequest';
import type { MetadataResponse as _gregor_v1_MetadataResponse, MetadataResponse__Output as _gregor_v1_MetadataResponse__Output } from './gregor/v1/MetadataResponse';
import type { OffsetCommitPartition as _gregor_v1_OffsetCommitPartition, OffsetCommitPartition__Output as _gregor_v1_OffsetCommitPartition__Output } from './gregor/v1/OffsetCommitPartition';
import type { OffsetCommitPartitionResult as _gregor_v1_OffsetCommitPartitionResult, OffsetCommitPartitionResult__Output as _gregor_v1_OffsetCommitPartitionResult__Output } from './gregor/v1/OffsetCommitPartitionResult';
import type { OffsetCommitRequest as _gregor_v1_OffsetCommitRequest, OffsetCommitRequest__Output as _gregor_v1_OffsetCommitRequest__Output } from './gregor/v1/OffsetCommitRequest';
import type { OffsetCommitResponse as _gregor_v1_OffsetCommitResponse, OffsetCommitResponse__Output as _gregor_v1_OffsetCommitResponse__Output } from './gregor/v1/OffsetCommitResponse';
import type { OffsetCommitTopic as _gregor_v1_OffsetCommitTopic, OffsetCommitTopic__Output as _gregor_v1_OffsetCommitTopic__Output } from './gregor/v1/OffsetCommitTopic';
import type { OffsetCommitTopicResult as _gregor_v1_OffsetCommitTopicResult, OffsetCommitTopicResult__Output as _gregor_v1_OffsetCommitTopicResult__Output } from './gregor/v1/OffsetCommitTopicResult';
import type { OffsetFetchPartitionResult as _gregor_v1_OffsetFetchPartitionResult, OffsetFetchPartitionResult__Output as _gregor_v1_OffsetFetchPartitionResult__Output } from './gregor/v1/OffsetFetchPartitionResult';
import type { OffsetFetchRequest as _gregor_v1_OffsetFetchRequest, OffsetFetchRequest__Output as _gregor_v1_OffsetFetchRequest__Output } from './gregor/v1/OffsetFetchRequest';
import type { OffsetFetchResponse as _gregor_v1_OffsetFetchResponse, OffsetFetchResponse__Output as _gregor_v1_OffsetFetchResponse__Output } from './gregor/v1/OffsetFetchResponse';
import type { OffsetFetchTopic as _gregor_v1_OffsetFetchTopic, OffsetFetchTopic__Output as _gregor_v1_OffsetFetchTopic__Output } from './gregor/v1/OffsetFetchTopic';
import type { OffsetFetchTopicResult as _gregor_v1_OffsetFetchTopicResult, OffsetFetchTopicResult__Output as _gregor_v1_OffsetFetchTopicResult__Output } from './gregor/v1/OffsetFetchTopicResult';
import type { PartitionMetadata as _gregor_v1_PartitionMetadata, PartitionMetadata__Output as _gregor_v1_PartitionMetadata__Output } from './gregor/v1/PartitionMetadata';
import type { ProducePartition as _gregor_v1_ProducePartition, ProducePartition__Output as _gregor_v1_ProducePartition__Output } from './gregor/v1/ProducePartition';
import type { ProducePartitionResult as _gregor_v1_ProducePartitionResult, ProducePartitionResult__Output as _gregor_v1_ProducePartitionResult__Output } from './gregor/v1/ProducePartitionResult';
import type { ProduceRequest as _gregor_v1_ProduceRequest, ProduceRequest__Output as _gregor_v1_ProduceRequest__Output } from './gregor/v1/ProduceRequest';
import type { ProduceResponse as _gregor_v1_ProduceResponse, ProduceResponse__Output as _gregor_v1_ProduceResponse__Output } from './gregor/v1/ProduceResponse';
import type { ProduceStreamRequest as _gregor_v1_ProduceStreamRequest, ProduceStreamRequest__Output as _gregor_v1_ProduceStreamRequest__Output } from './gregor/v1/ProduceStreamRequest';
import type { ProduceStreamResponse as _gregor_v1_ProduceStreamResponse, ProduceStreamResponse__Output as _gregor_v1_ProduceStreamResponse__Output } from './gregor/v1/ProduceStreamResponse';
import type { ProduceTopic as _gregor_v1_ProduceTopic, ProduceTopic__Output as _gregor_v1_ProduceTopic__Output } from './gregor/v1/ProduceTopic';
import type { ProduceTopicResult as _gregor_v1_ProduceTopicResult, ProduceTopicResult__Output as _gregor_v1_ProduceTopicResult__Output } from './gregor/v1/ProduceTopicResult';
import type { ProducerState as _gregor_v1_ProducerState, ProducerState__Output as _gregor_v1_ProducerState__Output } from './gregor/v1/ProducerState';
import type { SyncGroupAssignment as _gregor_v1_SyncGroupAssignment, SyncGroupAssignment__Output as _gregor_v1_SyncGroupAssignment__Output } from './gregor/v1/SyncGroupAssignment';
import type { SyncGroupRequest as _gregor_v1_SyncGroupRequest, SyncGroupRequest__Output as _gregor_v1_SyncGroupRequest__Output } from './gregor/v1/SyncGroupRequest';
import type { SyncGroupResponse as _gregor_v1_SyncGroupResponse, SyncGroupResponse__Output as _gregor_v1_SyncGroupResponse__Output } from './gregor/v1/SyncGroupResponse';
import type { TopicMetadata as _gregor_v1_TopicMetadata, TopicMetadata__Output as _gregor_v1_TopicMetadata__Output } from './gregor/v1/TopicMetadata';
import type { TransactionState as _gregor_v1_TransactionState, TransactionState__Output as _gregor_v1_TransactionState__Output } from './gregor/v1/TransactionState';
import type { TxnOffsetCommitPartition as _gregor_v1_TxnOffsetCommitPartition, TxnOffsetCommitPartition__Output as _gregor_v1_TxnOffsetCommitPartition__Output } from './gregor/v1/TxnOffsetCommitPartition';
import type { TxnOffsetCommitRequest as _gregor_v1_TxnOffsetCommitRequest, TxnOffsetCommitRequest__Output as _gregor_v1_TxnOffsetCommitRequest__Output } from './gregor/v1/TxnOffsetCommitRequest';
import type { TxnOffsetCommitResponse as _gregor_v1_TxnOffsetCommitResponse, TxnOffsetCommitResponse__Output as _gregor_v1_TxnOffsetCommitResponse__Output } from './gregor/v1/TxnOffsetCommitResponse';
import type { TxnOffsetCommitTopic as _gregor_v1_TxnOffsetCommitTopic, TxnOffsetCommitTopic__Output as _gregor_v1_TxnOffsetCommitTopic__Output } from './gregor/v1/TxnOffsetCommitTopic';
import type { TxnPartitionResult as _gregor_v1_TxnPartitionResult, TxnPartitionResult__Output as _gregor_v1_TxnPartitionResult__Output } from './gregor/v1/TxnPartitionResult';
import type { TxnTopic as _gregor_v1_TxnTopic, TxnTopic__Output as _gregor_v1_TxnTopic__Output } from './gregor/v1/TxnTopic';
import type { TxnTopicResult as _gregor_v1_TxnTopicResult, TxnTopicResult__Output as _gregor_v1_TxnTopicResult__Output } from './gregor/v1/TxnTopicResult';
import type { WritableTxnMarker as _gregor_v1_WritableTxnMarker, WritableTxnMarker__Output as _gregor_v1_WritableTxnMarker__Output } from './gregor/v1/WritableTxnMarker';
import type { WritableTxnMarkerResult as _gregor_v1_WritableTxnMarkerResult, WritableTxnMarkerResult__Output as _gregor_v1_WritableTxnMarkerResult__Output } from './gregor/v1/WritableTxnMarkerResult';
import type { WriteTxnMarkersRequest as _gregor_v1_WriteTxnMarkersRequest, WriteTxnMarkersRequest__Output as _gregor_v1_WriteTxnMarkersRequest__Output } from './gregor/v1/WriteTxnMarkersRequest';
import type { WriteTxnMarkersResponse as _gregor_v1_WriteTxnMarkersResponse, WriteTxnMarkersResponse__Output as _gregor_v1_WriteTxnMarkersResponse__Output } from './gregor/v1/WriteTxnMarkersResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gregor: {
    v1: {
      AbortedTransaction: MessageTypeDefinition<_gregor_v1_AbortedTransaction, _gregor_v1_AbortedTransaction__Output>
      AddOffsetsToTxnRequest: MessageTypeDefinition<_gregor_v1_AddOffsetsToTxnRequest, _gregor_v1_AddOffsetsToTxnRequest__Output>
      AddOffsetsToTxnResponse: MessageTypeDefinition<_gregor_v1_AddOffsetsToTxnResponse, _gregor_v1_AddOffsetsToTxnResponse__Output>
      AddPartitionsRequest: MessageTypeDefinition<_gregor_v1_AddPartitionsRequest, _gregor_v1_AddPartitionsRequest__Output>
      AddPartitionsResponse: MessageTypeDefinition<_gregor_v1_AddPartitionsResponse, _gregor_v1_AddPartitionsResponse__Output>
      AddPartitionsToTxnRequest: MessageTypeDefinition<_gregor_v1_AddPartitionsToTxnRequest, _gregor_v1_AddPartitionsToTxnRequest__Output>
      AddPartitionsToTxnResponse: MessageTypeDefinition<_gregor_v1_AddPartitionsToTxnResponse, _gregor_v1_AddPartitionsToTxnResponse__Output>
      AddPartitionsTopic: MessageTypeDefinition<_gregor_v1_AddPartitionsTopic, _gregor_v1_AddPartitionsTopic__Output>
      AddPartitionsTopicResult: MessageTypeDefinition<_gregor_v1_AddPartitionsTopicResult, _gregor_v1_AddPartitionsTopicResult__Output>
      AlterConfigsRequest: MessageTypeDefinition<_gregor_v1_AlterConfigsRequest, _gregor_v1_AlterConfigsRequest__Output>
      AlterConfigsResource: MessageTypeDefinition<_gregor_v1_AlterConfigsResource, _gregor_v1_AlterConfigsResource__Output>
      AlterConfigsResponse: MessageTypeDefinition<_gregor_v1_AlterConfigsResponse, _gregor_v1_AlterConfigsResponse__Output>
      AlterConfigsResult: MessageTypeDefinition<_gregor_v1_AlterConfigsResult, _gregor_v1_AlterConfigsResult__Output>
      Broker: MessageTypeDefinition<_gregor_v1_Broker, _gregor_v1_Broker__Output>
      ConfigEntry: MessageTypeDefinition<_gregor_v1_ConfigEntry, _gregor_v1_ConfigEntry__Output>
      ConfigResource: MessageTypeDefinition<_gregor_v1_ConfigResource, _gregor_v1_ConfigResource__Output>
      Coordinator: MessageTypeDefinition<_gregor_v1_Coordinator, _gregor_v1_Coordinator__Output>
      CreatableTopic: MessageTypeDefinition<_gregor_v1_CreatableTopic, _gregor_v1_CreatableTopic__Output>
      CreatableTopicResult: MessageTypeDefinition<_gregor_v1_CreatableTopicResult, _gregor_v1_CreatableTopicResult__Output>
      CreateTopicsRequest: MessageTypeDefinition<_gregor_v1_CreateTopicsRequest, _gregor_v1_CreateTopicsRequest__Output>
      CreateTopicsResponse: MessageTypeDefinition<_gregor_v1_CreateTopicsResponse, _gregor_v1_CreateTopicsResponse__Output>
      DeletableGroupResult: MessageTypeDefinition<_gregor_v1_DeletableGroupResult, _gregor_v1_DeletableGroupResult__Output>
      DeletableTopicResult: MessageTypeDefinition<_gregor_v1_DeletableTopicResult, _gregor_v1_DeletableTopicResult__Output>
      DeleteGroupsRequest: MessageTypeDefinition<_gregor_v1_DeleteGroupsRequest, _gregor_v1_DeleteGroupsRequest__Output>
      DeleteGroupsResponse: MessageTypeDefinition<_gregor_v1_DeleteGroupsResponse, _gregor_v1_DeleteGroupsResponse__Output>
      DeleteRecordsPartition: MessageTypeDefinition<_gregor_v1_DeleteRecordsPartition, _gregor_v1_DeleteRecordsPartition__Output>
      DeleteRecordsPartitionResult: MessageTypeDefinition<_gregor_v1_DeleteRecordsPartitionResult, _gregor_v1_DeleteRecordsPartitionResult__Output>
      DeleteRecordsRequest: MessageTypeDefinition<_gregor_v1_DeleteRecordsRequest, _gregor_v1_DeleteRecordsRequest__Output>
      DeleteRecordsResponse: MessageTypeDefinition<_gregor_v1_DeleteRecordsResponse, _gregor_v1_DeleteRecordsResponse__Output>
      DeleteRecordsTopic: MessageTypeDefinition<_gregor_v1_DeleteRecordsTopic, _gregor_v1_DeleteRecordsTopic__Output>
      DeleteRecordsTopicResult: MessageTypeDefinition<_gregor_v1_DeleteRecordsTopicResult, _gregor_v1_DeleteRecordsTopicResult__Output>
      DeleteTopicsRequest: MessageTypeDefinition<_gregor_v1_DeleteTopicsRequest, _gregor_v1_DeleteTopicsRequest__Output>
      DeleteTopicsResponse: MessageTypeDefinition<_gregor_v1_DeleteTopicsResponse, _gregor_v1_DeleteTopicsResponse__Output>
      DescribeConfigsRequest: MessageTypeDefinition<_gregor_v1_DescribeConfigsRequest, _gregor_v1_DescribeConfigsRequest__Output>
      DescribeConfigsResponse: MessageTypeDefinition<_gregor_v1_DescribeConfigsResponse, _gregor_v1_DescribeConfigsResponse__Output>
      DescribeConfigsResult: MessageTypeDefinition<_gregor_v1_DescribeConfigsResult, _gregor_v1_DescribeConfigsResult__Output>
      DescribeGroupsRequest: MessageTypeDefinition<_gregor_v1_DescribeGroupsRequest, _gregor_v1_DescribeGroupsRequest__Output>
      DescribeGroupsResponse: MessageTypeDefinition<_gregor_v1_DescribeGroupsResponse, _gregor_v1_DescribeGroupsResponse__Output>
      DescribeProducersPartition: MessageTypeDefinition<_gregor_v1_DescribeProducersPartition, _gregor_v1_DescribeProducersPartition__Output>
      DescribeProducersRequest: MessageTypeDefinition<_gregor_v1_DescribeProducersRequest, _gregor_v1_DescribeProducersRequest__Output>
      DescribeProducersResponse: MessageTypeDefinition<_gregor_v1_DescribeProducersResponse, _gregor_v1_DescribeProducersResponse__Output>
      DescribeProducersTopic: MessageTypeDefinition<_gregor_v1_DescribeProducersTopic, _gregor_v1_DescribeProducersTopic__Output>
      DescribeTransactionsRequest: MessageTypeDefinition<_gregor_v1_DescribeTransactionsRequest, _gregor_v1_DescribeTransactionsRequest__Output>
      DescribeTransactionsResponse: MessageTypeDefinition<_gregor_v1_DescribeTransactionsResponse, _gregor_v1_DescribeTransactionsResponse__Output>
      DescribedGroup: MessageTypeDefinition<_gregor_v1_DescribedGroup, _gregor_v1_DescribedGroup__Output>
      DescribedGroupMember: MessageTypeDefinition<_gregor_v1_DescribedGroupMember, _gregor_v1_DescribedGroupMember__Output>
      EndTxnRequest: MessageTypeDefinition<_gregor_v1_EndTxnRequest, _gregor_v1_EndTxnRequest__Output>
      EndTxnResponse: MessageTypeDefinition<_gregor_v1_EndTxnResponse, _gregor_v1_EndTxnResponse__Output>
      Error: MessageTypeDefinition<_gregor_v1_Error, _gregor_v1_Error__Output>
      FetchPartition: MessageTypeDefinition<_gregor_v1_FetchPartition, _gregor_v1_FetchPartition__Output>
      FetchPartitionResult: MessageTypeDefinition<_gregor_v1_FetchPartitionResult, _gregor_v1_FetchPartitionResult__Output>
      FetchRequest: MessageTypeDefinition<_gregor_v1_FetchRequest, _gregor_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_gregor_v1_FetchResponse, _gregor_v1_FetchResponse__Output>
      FetchTopic: MessageTypeDefinition<_gregor_v1_FetchTopic, _gregor_v1_FetchTopic__Output>
      FetchTopicResult: MessageTypeDefinition<_gregor_v1_FetchTopicResult, _gregor_v1_FetchTopicResult__Output>
      FindCoordinatorRequest: MessageTypeDefinition<_gregor_v1_FindCoordinatorRequest, _gregor_v1_FindCoordinatorRequest__Output>
      FindCoordinatorResponse: MessageTypeDefinition<_gregor_v1_FindCoordinatorResponse, _gregor_v1_FindCoordinatorResponse__Output>
      Gregor: SubtypeConstructor<typeof grpc.Client, _gregor_v1_GregorClient> & { service: _gregor_v1_GregorDefinition }
      HeartbeatRequest: MessageTypeDefinition<_gregor_v1_HeartbeatRequest, _gregor_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_gregor_v1_HeartbeatResponse, _gregor_v1_HeartbeatResponse__Output>
      InitProducerIdRequest: MessageTypeDefinition<_gregor_v1_InitProducerIdRequest, _gregor_v1_InitProducerIdRequest__Output>
      InitProducerIdResponse: MessageTypeDefinition<_gregor_v1_InitProducerIdResponse, _gregor_v1_InitProducerIdResponse__Output>
      JoinGroupMember: MessageTypeDefinition<_gregor_v1_JoinGroupMember, _gregor_v1_JoinGroupMember__Output>
      JoinGroupProtocol: MessageTypeDefinition<_gregor_v1_JoinGroupProtocol, _gregor_v1_JoinGroupProtocol__Output>
      JoinGroupRequest: MessageTypeDefinition<_gregor_v1_JoinGroupRequest, _gregor_v1_JoinGroupRequest__Output>
      JoinGroupResponse: MessageTypeDefinition<_gregor_v1_JoinGroupResponse, _gregor_v1_JoinGroupResponse__Output>
      LeaveGroupRequest: MessageTypeDefinition<_gregor_v1_LeaveGroupRequest, _gregor_v1_LeaveGroupRequest__Output>
      LeaveGroupResponse: MessageTypeDefinition<_gregor_v1_LeaveGroupResponse, _gregor_v1_LeaveGroupResponse__Output>
      LeavingMember: MessageTypeDefinition<_gregor_v1_LeavingMember, _gregor_v1_LeavingMember__Output>
      LeftMember: MessageTypeDefinition<_gregor_v1_LeftMember, _gregor_v1_LeftMember__Output>
      ListGroupsRequest: MessageTypeDefinition<_gregor_v1_ListGroupsRequest, _gregor_v1_ListGroupsRequest__Output>
      ListGroupsResponse: MessageTypeDefinition<_gregor_v1_ListGroupsResponse, _gregor_v1_ListGroupsResponse__Output>
      ListOffsetsPartition: MessageTypeDefinition<_gregor_v1_ListOffsetsPartition, _gregor_v1_ListOffsetsPartition__Output>
      ListOffsetsPartitionResult: MessageTypeDefinition<_gregor_v1_ListOffsetsPartitionResult, _gregor_v1_ListOffsetsPartitionResult__Output>
      ListOffsetsRequest: MessageTypeDefinition<_gregor_v1_ListOffsetsRequest, _gregor_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_gregor_v1_ListOffsetsResponse, _gregor_v1_ListOffsetsResponse__Output>
      ListOffsetsTopic: MessageTypeDefinition<_gregor_v1_ListOffsetsTopic, _gregor_v1_ListOffsetsTopic__Output>
      ListOffsetsTopicResult: MessageTypeDefinition<_gregor_v1_ListOffsetsTopicResult, _gregor_v1_ListOffsetsTopicResult__Output>
      ListTransactionsRequest: MessageTypeDefinition<_gregor_v1_ListTransactionsRequest, _gregor_v1_ListTransactionsRequest__Output>
      ListTransactionsResponse: MessageTypeDefinition<_gregor_v1_ListTransactionsResponse, _gregor_v1_ListTransactionsResponse__Output>
      ListedGroup: MessageTypeDefinition<_gregor_v1_ListedGroup, _gregor_v1_ListedGroup__Output>
      ListedTransaction: MessageTypeDefinition<_gregor_v1_ListedTransaction, _gregor_v1_ListedTransaction__Output>
      MetadataRequest: MessageTypeDefinition<_gregor_v1_MetadataRequest, _gregor_v1_MetadataRequest__Output>
      MetadataResponse: MessageTypeDefinition<_gregor_v1_MetadataResponse, _gregor_v1_MetadataResponse__Output>
      OffsetCommitPartition: MessageTypeDefinition<_gregor_v1_OffsetCommitPartition, _gregor_v1_OffsetCommitPartition__Output>
      OffsetCommitPartitionResult: MessageTypeDefinition<_gregor_v1_OffsetCommitPartitionResult, _gregor_v1_OffsetCommitPartitionResult__Output>
      OffsetCommitRequest: MessageTypeDefinition<_gregor_v1_OffsetCommitRequest, _gregor_v1_OffsetCommitRequest__Output>
      OffsetCommitResponse: MessageTypeDefinition<_gregor_v1_OffsetCommitResponse, _gregor_v1_OffsetCommitResponse__Output>
      OffsetCommitTopic: MessageTypeDefinition<_gregor_v1_OffsetCommitTopic, _gregor_v1_OffsetCommitTopic__Output>
      OffsetCommitTopicResult: MessageTypeDefinition<_gregor_v1_OffsetCommitTopicResult, _gregor_v1_OffsetCommitTopicResult__Output>
      OffsetFetchPartitionResult: MessageTypeDefinition<_gregor_v1_OffsetFetchPartitionResult, _gregor_v1_OffsetFetchPartitionResult__Output>
      OffsetFetchRequest: MessageTypeDefinition<_gregor_v1_OffsetFetchRequest, _gregor_v1_OffsetFetchRequest__Output>
      OffsetFetchResponse: MessageTypeDefinition<_gregor_v1_OffsetFetchResponse, _gregor_v1_OffsetFetchResponse__Output>
      OffsetFetchTopic: MessageTypeDefinition<_gregor_v1_OffsetFetchTopic, _gregor_v1_OffsetFetchTopic__Output>
      OffsetFetchTopicResult: MessageTypeDefinition<_gregor_v1_OffsetFetchTopicResult, _gregor_v1_OffsetFetchTopicResult__Output>
      PartitionMetadata: MessageTypeDefinition<_gregor_v1_PartitionMetadata, _gregor_v1_PartitionMetadata__Output>
      ProducePartition: MessageTypeDefinition<_gregor_v1_ProducePartition, _gregor_v1_ProducePartition__Output>
      ProducePartitionResult: MessageTypeDefinition<_gregor_v1_ProducePartitionResult, _gregor_v1_ProducePartitionResult__Output>
      ProduceRequest: MessageTypeDefinition<_gregor_v1_ProduceRequest, _gregor_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_gregor_v1_ProduceResponse, _gregor_v1_ProduceResponse__Output>
      ProduceStreamRequest: MessageTypeDefinition<_gregor_v1_ProduceStreamRequest, _gregor_v1_ProduceStreamRequest__Output>
      ProduceStreamResponse: MessageTypeDefinition<_gregor_v1_ProduceStreamResponse, _gregor_v1_ProduceStreamResponse__Output>
      ProduceTopic: MessageTypeDefinition<_gregor_v1_ProduceTopic, _gregor_v1_ProduceTopic__Output>
      ProduceTopicResult: MessageTypeDefinition<_gregor_v1_ProduceTopicResult, _gregor_v1_ProduceTopicResult__Output>
      ProducerState: MessageTypeDefinition<_gregor_v1_ProducerState, _gregor_v1_ProducerState__Output>
      ResourceType: EnumTypeDefinition
      SyncGroupAssignment: MessageTypeDefinition<_gregor_v1_SyncGroupAssignment, _gregor_v1_SyncGroupAssignment__Output>
      SyncGroupRequest: MessageTypeDefinition<_gregor_v1_SyncGroupRequest, _gregor_v1_SyncGroupRequest__Output>
      SyncGroupResponse: MessageTypeDefinition<_gregor_v1_SyncGroupResponse, _gregor_v1_SyncGroupResponse__Output>
      TopicMetadata: MessageTypeDefinition<_gregor_v1_TopicMetadata, _gregor_v1_TopicMetadata__Output>
      TransactionState: MessageTypeDefinition<_gregor_v1_TransactionState, _gregor_v1_TransactionState__Output>
      TxnOffsetCommitPartition: MessageTypeDefinition<_gregor_v1_TxnOffsetCommitPartition, _gregor_v1_TxnOffsetCommitPartition__Output>
      TxnOffsetCommitRequest: MessageTypeDefinition<_gregor_v1_TxnOffsetCommitRequest, _gregor_v1_TxnOffsetCommitRequest__Output>
      TxnOffsetCommitResponse: MessageTypeDefinition<_gregor_v1_TxnOffsetCommitResponse, _gregor_v1_TxnOffsetCommitResponse__Output>
      TxnOffsetCommitTopic: MessageTypeDefinition<_gregor_v1_TxnOffsetCommitTopic, _gregor_v1_TxnOffsetCommitTopic__Output>
      TxnPartitionResult: MessageTypeDefinition<_gregor_v1_TxnPartitionResult, _gregor_v1_TxnPartitionResult__Output>
      TxnTopic: MessageTypeDefinition<_gregor_v1_TxnTopic, _gregor_v1_TxnTopic__Output>
      TxnTopicResult: MessageTypeDefinition<_gregor_v1_TxnTopicResult, _gregor_v1_TxnTopicResult__Output>
      WritableTxnMarker: MessageTypeDefinition<_gregor_v1_WritableTxnMarker, _gregor_v1_WritableTxnMarker__Output>
      WritableTxnMarkerResult: MessageTypeDefinition<_gregor_v1_WritableTxnMarkerResult, _gregor_v1_WritableTxnMarkerResult__Output>
      WriteTxnMarkersRequest: MessageTypeDefinition<_gregor_v1_WriteTxnMarkersRequest, _gregor_v1_WriteTxnMarkersRequest__Output>
      WriteTxnMarkersResponse: MessageTypeDefinition<_gregor_v1_WriteTxnMarkersResponse, _gregor_v1_WriteTxnMarkersResponse__Output>
    }
  }
}

