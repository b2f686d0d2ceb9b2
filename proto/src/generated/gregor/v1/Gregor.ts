// Original file: gregor/v1/client.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddOffsetsToTxnRequest as _gregor_v1_AddOffsetsToTxnRequest, AddOffsetsToTxnRequest__Output as _gregor_v1_AddOffsetsToTxnRequest__Output } from '../../gregor/v1/AddOffsetsToTxnRequest';
import type { AddOffsetsToTxnResponse as _gregor_v1_AddOffsetsToTxnResponse, AddOffsetsToTxnResponse__Output as _gregor_v1_AddOffsetsToTxnResponse__Output } from '../../gregor/v1/AddOffsetsToTxnResponse';
import type { AddPartitionsRequest as _gregor_v1_AddPartitionsRequest, AddPartitionsRequest__Output as _gregor_v1_AddPartitionsRequest__Output } from '../../gregor/v1/AddPartitionsRequest';
import type { AddPartitionsResponse as _gregor_v1_AddPartitionsResponse, AddPartitionsResponse__Output as _gregor_v1_AddPartitionsResponse__Output } from '../../gregor/v1/AddPartitionsResponse';
import type { AddPartitionsToTxnRequest as _gregor_v1_AddPartitionsToTxnRequest, AddPartitionsToTxnRequest__Output as _gregor_v1_AddPartitionsToTxnRequest__Output } from '../../gregor/v1/AddPartitionsToTxnRequest';
import type { AddPartitionsToTxnResponse as _gregor_v1_AddPartitionsToTxnResponse, AddPartitionsToTxnResponse__Output as _gregor_v1_AddPartitionsToTxnResponse__Output } from '../../gregor/v1/AddPartitionsToTxnResponse';
import type { AlterConfigsRequest as _gregor_v1_AlterConfigsRequest, AlterConfigsRequest__Output as _gregor_v1_AlterConfigsRequest__Output } from '../../gregor/v1/AlterConfigsRequest';
import type { AlterConfigsResponse as _gregor_v1_AlterConfigsResponse, AlterConfigsResponse__Output as _gregor_v1_AlterConfigsResponse__Output } from '../../gregor/v1/AlterConfigsResponse';
import type { CreateTopicsRequest as _gregor_v1_CreateTopicsRequest, CreateTopicsRequest__Output as _gregor_v1_CreateTopicsRequest__Output } from '../../gregor/v1/CreateTopicsRequest';
import type { CreateTopicsResponse as _gregor_v1_CreateTopicsResponse, CreateTopicsResponse__Output as _gregor_v1_CreateTopicsResponse__Output } from '../../gregor/v1/CreateTopicsResponse';
import type { DeleteGroupsRequest as _gregor_v1_DeleteGroupsRequest, DeleteGroupsRequest__Output as _gregor_v1_DeleteGroupsRequest__Output } from '../../gregor/v1/DeleteGroupsRequest';
import type { DeleteGroupsResponse as _gregor_v1_DeleteGroupsResponse, DeleteGroupsResponse__Output as _gregor_v1_DeleteGroupsResponse__Output } from '../../gregor/v1/DeleteGroupsResponse';
import type { DeleteRecordsRequest as _gregor_v1_DeleteRecordsRequest, DeleteRecordsRequest__Output as _gregor_v1_DeleteRecordsRequest__Output } from '../../gregor/v1/DeleteRecordsRequest';
import type { DeleteRecordsResponse as _gregor_v1_DeleteRecordsResponse, DeleteRecordsResponse__Output as _gregor_v1_DeleteRecordsResponse__Output } from '../../gregor/v1/DeleteRecordsResponse';
import type { DeleteTopicsRequest as _gregor_v1_DeleteTopicsRequest, DeleteTopicsRequest__Output as _gregor_v1_DeleteTopicsRequest__Output } from '../../gregor/v1/DeleteTopicsRequest';
import type { DeleteTopicsResponse as _gregor_v1_DeleteTopicsResponse, DeleteTopicsResponse__Output as _gregor_v1_DeleteTopicsResponse__Output } from '../../gregor/v1/DeleteTopicsResponse';
import type { DescribeConfigsRequest as _gregor_v1_DescribeConfigsRequest, DescribeConfigsRequest__Output as _gregor_v1_DescribeConfigsRequest__Output } from '../../gregor/v1/DescribeConfigsRequest';
import type { DescribeConfigsResponse as _gregor_v1_DescribeConfigsResponse, DescribeConfigsResponse__Output as _gregor_v1_DescribeConfigsResponse__Output } from '../../gregor/v1/DescribeConfigsResponse';
import type { DescribeGroupsRequest as _gregor_v1_DescribeGroupsRequest, DescribeGroupsRequest__Output as _gregor_v1_DescribeGroupsRequest__Output } from '../../gregor/v1/DescribeGroupsRequest';
import type { DescribeGroupsResponse as _gregor_v1_DescribeGroupsResponse, DescribeGroupsResponse__Output as _gregor_v1_DescribeGroupsResponse__Output } from '../../gregor/v1/DescribeGroupsResponse';
import type { DescribeProducersRequest as _gregor_v1_DescribeProducersRequest, DescribeProducersRequest__Output as _gregor_v1_DescribeProducersRequest__Output } from '../../gregor/v1/DescribeProducersRequest';
import type { DescribeProducersResponse as _gregor_v1_DescribeProducersResponse, DescribeProducersResponse__Output as _gregor_v1_DescribeProducersResponse__Output } from '../../gregor/v1/DescribeProducersResponse';
import type { DescribeTransactionsRequest as _gregor_v1_DescribeTransactionsRequest, DescribeTransactionsRequest__Output as _gregor_v1_DescribeTransactionsRequest__Output } from '../../gregor/v1/DescribeTransactionsRequest';
import type { DescribeTransactionsResponse as _gregor_v1_DescribeTransactionsResponse, DescribeTransactionsResponse__Output as _gregor_v1_DescribeTransactionsResponse__Output } from '../../gregor/v1/DescribeTransactionsResponse';
import type { EndTxnRequest as _gregor_v1_EndTxnRequest, EndTxnRequest__Output as _gregor_v1_EndTxnRequest__Output } from '../../gregor/v1/EndTxnRequest';
import type { EndTxnResponse as _gregor_v1_EndTxnResponse, EndTxnResponse__Output as _gregor_v1_EndTxnResponse__Output } from '../../gregor/v1/EndTxnResponse';
import type { FetchRequest as _gregor_v1_FetchRequest, FetchRequest__Output as _gregor_v1_FetchRequest__Output } from '../../gregor/v1/FetchRequest';
import type { FetchResponse as _gregor_v1_FetchResponse, FetchResponse__Output as _gregor_v1_FetchResponse__Output } from '../../gregor/v1/FetchResponse';
import type { FindCoordinatorRequest as _gregor_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _gregor_v1_FindCoordinatorRequest__Output } from '../../gregor/v1/FindCoordinatorRequest';
import type { FindCoordinatorResponse as _gregor_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _gregor_v1_FindCoordinatorResponse__Output } from '../../gregor/v1/FindCoordinatorResponse';
import type { HeartbeatRequest as _gregor_v1_HeartbeatRequest, HeartbeatRequest__Output as _gregor_v1_HeartbeatRequest__Output } from '../../gregor/v1/HeartbeatRequest';
import type { HeartbeatResponse as _gregor_v1_HeartbeatResponse, HeartbeatResponse__Output as _gregor_v1_HeartbeatResponse__Output } from '../../gregor/v1/HeartbeatResponse';
import type { InitProducerIdRequest as _gregor_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _gregor_v1_InitProducerIdRequest__Output } from '../../gregor/v1/InitProducerIdRequest';
import type { InitProducerIdResponse as _gregor_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _gregor_v1_InitProducerIdResponse__Output } from '../../gregor/v1/InitProducerIdResponse';
import type { JoinGroupRequest as _gregor_v1_JoinGroupRequest, JoinGroupRequest__Output as _gregor_v1_JoinGroupRequest__Output } from '../../gregor/v1/JoinGroupRequest';
import type { JoinGroupResponse as _gregor_v1_JoinGroupResponse, JoinGroupResponse__Output as _gregor_v1_JoinGroupResponse__Output } from '../../gregor/v1/JoinGroupResponse';
import type { LeaveGroupRequest as _gregor_v1_LeaveGroupRequest, LeaveGroupRequest__Output as _gregor_v1_LeaveGroupRequest__Output } from '../../gregor/v1/LeaveGroupRequest';
import type { LeaveGroupResponse as _gregor_v1_LeaveGroupResponse, LeaveGroupResponse__Output as _gregor_v1_LeaveGroupResponse__Output } from '../../gregor/v1/LeaveGroupResponse';
import type { ListGroupsRequest as _gregor_v1_ListGroupsRequest, ListGroupsRequest__Output as _gregor_v1_ListGroupsRequest__Output } from '../../gregor/v1/ListGroupsRequest';
import type { ListGroupsResponse as _gregor_v1_ListGroupsResponse, ListGroupsResponse__Output as _gregor_v1_ListGroupsResponse__Output } from '../../gregor/v1/ListGroupsResponse';
import type { ListOffsetsRequest as _gregor_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _gregor_v1_ListOffsetsRequest__Output } from '../../gregor/v1/ListOffsetsRequest';
import type { ListOffsetsResponse as _gregor_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _gregor_v1_ListOffsetsResponse__Output } from '../../gregor/v1/ListOffsetsResponse';
import type { ListTransactionsRequest as _gregor_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _gregor_v1_ListTransactionsRequest__Output } from '../../gregor/v1/ListTransactionsRequest';
import type { ListTransactionsResponse as _gregor_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _gregor_v1_ListTransactionsResponse__Output } from '../../gregor/v1/ListTransactionsResponse';
import type { MetadataRequest as _gregor_v1_MetadataRequest, MetadataRequest__Output as _gregor_v1_MetadataRequest__Output } from '../../gregor/v1/MetadataRequest';
import type { MetadataResponse as _gregor_v1_MetadataResponse, MetadataResponse__Output as _gregor_v1_MetadataResponse__Output } from '../../gregor/v1/MetadataResponse';
import type { OffsetCommitRequest as _gregor_v1_OffsetCommitRequest, OffsetCommitRequest__Output as _gregor_v1_OffsetCommitRequest__Output } from '../../gregor/v1/OffsetCommitRequest';
import type { OffsetCommitResponse as _gregor_v1_OffsetCommitResponse, OffsetCommitResponse__Output as _gregor_v1_OffsetCommitResponse__Output } from '../../gregor/v1/OffsetCommitResponse';
import type { OffsetFetchRequest as _gregor_v1_OffsetFetchRequest, OffsetFetchRequest__Output as _gregor_v1_OffsetFetchRequest__Output } from '../../gregor/v1/OffsetFetchRequest';
import type { OffsetFetchResponse as _gregor_v1_OffsetFetchResponse, OffsetFetchResponse__Output as _gregor_v1_OffsetFetchResponse__Output } from '../../gregor/v1/OffsetFetchResponse';
import type { ProduceRequest as _gregor_v1_ProduceRequest, ProduceRequest__Output as _gregor_v1_ProduceRequest__Output } from '../../gregor/v1/ProduceRequest';
import type { ProduceResponse as _gregor_v1_ProduceResponse, ProduceResponse__Output as _gregor_v1_ProduceResponse__Output } from '../../gregor/v1/ProduceResponse';
import type { ProduceStreamRequest as _gregor_v1_ProduceStreamRequest, ProduceStreamRequest__Output as _gregor_v1_ProduceStreamRequest__Output } from '../../gregor/v1/ProduceStreamRequest';
import type { ProduceStreamResponse as _gregor_v1_ProduceStreamResponse, ProduceStreamResponse__Output as _gregor_v1_ProduceStreamResponse__Output } from '../../gregor/v1/ProduceStreamResponse';
import type { SyncGroupRequest as _gregor_v1_SyncGroupRequest, SyncGroupRequest__Output as _gregor_v1_SyncGroupRequest__Output } from '../../gregor/v1/SyncGroupRequest';
import type { SyncGroupResponse as _gregor_v1_SyncGroupResponse, SyncGroupResponse__Output as _gregor_v1_SyncGroupResponse__Output } from '../../gregor/v1/SyncGroupResponse';
import type { TxnOffsetCommitRequest as _gregor_v1_TxnOffsetCommitRequest, TxnOffsetCommitRequest__Output as _gregor_v1_TxnOffsetCommitRequest__Output } from '../../gregor/v1/TxnOffsetCommitRequest';
import type { TxnOffsetCommitResponse as _gregor_v1_TxnOffsetCommitResponse, TxnOffsetCommitResponse__Output as _gregor_v1_TxnOffsetCommitResponse__Output } from '../../gregor/v1/TxnOffsetCommitResponse';
import type { WriteTxnMarkersRequest as _gregor_v1_WriteTxnMarkersRequest, WriteTxnMarkersRequest__Output as _gregor_v1_WriteTxnMarkersRequest__Output } from '../../gregor/v1/WriteTxnMarkersRequest';
import type { WriteTxnMarkersResponse as _gregor_v1_WriteTxnMarkersResponse, WriteTxnMarkersResponse__Output as _gregor_v1_WriteTxnMarkersResponse__Output } from '../../gregor/v1/WriteTxnMarkersResponse';

export interface GregorClient extends grpc.Client {
  AddOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addOffsetsToTxn(argument: _gregor_v1_AddOffsetsToTxnRequest, callback: grpc.requestCallback<_gregor_v1_AddOffsetsToTxnResponse__Output>): grpc.ClientUnaryCall;
  
  AddPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  AddPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  addPartitionsToTxn(argument: _gregor_v1_AddPartitionsToTxnRequest, callback: grpc.requestCallback<_gregor_v1_AddPartitionsToTxnResponse__Output>): grpc.ClientUnaryCall;
  
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_AlterConfigsRequest, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_AlterConfigsRequest, callback: grpc.requestCallback<_gregor_v1_AlterConfigsResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePartitions(argument: _gregor_v1_AddPartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _gregor_v1_AddPartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _gregor_v1_AddPartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _gregor_v1_AddPartitionsRequest, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_AddPartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_AddPartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_AddPartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_AddPartitionsRequest, callback: grpc.requestCallback<_gregor_v1_AddPartitionsResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_CreateTopicsRequest, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_CreateTopicsRequest, callback: grpc.requestCallback<_gregor_v1_CreateTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteGroups(argument: _gregor_v1_DeleteGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroups(argument: _gregor_v1_DeleteGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroups(argument: _gregor_v1_DeleteGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroups(argument: _gregor_v1_DeleteGroupsRequest, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  deleteGroups(argument: _gregor_v1_DeleteGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  deleteGroups(argument: _gregor_v1_DeleteGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  deleteGroups(argument: _gregor_v1_DeleteGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  deleteGroups(argument: _gregor_v1_DeleteGroupsRequest, callback: grpc.requestCallback<_gregor_v1_DeleteGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteRecords(argument: _gregor_v1_DeleteRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _gregor_v1_DeleteRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _gregor_v1_DeleteRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  DeleteRecords(argument: _gregor_v1_DeleteRecordsRequest, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _gregor_v1_DeleteRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _gregor_v1_DeleteRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _gregor_v1_DeleteRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  deleteRecords(argument: _gregor_v1_DeleteRecordsRequest, callback: grpc.requestCallback<_gregor_v1_DeleteRecordsResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  DescribeGroups(argument: _gregor_v1_DescribeGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroups(argument: _gregor_v1_DescribeGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroups(argument: _gregor_v1_DescribeGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroups(argument: _gregor_v1_DescribeGroupsRequest, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _gregor_v1_DescribeGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _gregor_v1_DescribeGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _gregor_v1_DescribeGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  describeGroups(argument: _gregor_v1_DescribeGroupsRequest, callback: grpc.requestCallback<_gregor_v1_DescribeGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeProducers(argument: _gregor_v1_DescribeProducersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  DescribeProducers(argument: _gregor_v1_DescribeProducersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  DescribeProducers(argument: _gregor_v1_DescribeProducersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  DescribeProducers(argument: _gregor_v1_DescribeProducersRequest, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  describeProducers(argument: _gregor_v1_DescribeProducersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  describeProducers(argument: _gregor_v1_DescribeProducersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  describeProducers(argument: _gregor_v1_DescribeProducersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  describeProducers(argument: _gregor_v1_DescribeProducersRequest, callback: grpc.requestCallback<_gregor_v1_DescribeProducersResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  describeTransactions(argument: _gregor_v1_DescribeTransactionsRequest, callback: grpc.requestCallback<_gregor_v1_DescribeTransactionsResponse__Output>): grpc.ClientUnaryCall;
  
  EndTxn(argument: _gregor_v1_EndTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  EndTxn(argument: _gregor_v1_EndTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  EndTxn(argument: _gregor_v1_EndTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  EndTxn(argument: _gregor_v1_EndTxnRequest, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  endTxn(argument: _gregor_v1_EndTxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  endTxn(argument: _gregor_v1_EndTxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  endTxn(argument: _gregor_v1_EndTxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  endTxn(argument: _gregor_v1_EndTxnRequest, callback: grpc.requestCallback<_gregor_v1_EndTxnResponse__Output>): grpc.ClientUnaryCall;
  
  Fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _gregor_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _gregor_v1_FetchRequest, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _gregor_v1_FetchRequest, callback: grpc.requestCallback<_gregor_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  FindCoordinator(argument: _gregor_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _gregor_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _gregor_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _gregor_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _gregor_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _gregor_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _gregor_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _gregor_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_gregor_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _gregor_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _gregor_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _gregor_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _gregor_v1_HeartbeatRequest, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _gregor_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _gregor_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _gregor_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _gregor_v1_HeartbeatRequest, callback: grpc.requestCallback<_gregor_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _gregor_v1_InitProducerIdRequest, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _gregor_v1_InitProducerIdRequest, callback: grpc.requestCallback<_gregor_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  
  JoinGroup(argument: _gregor_v1_JoinGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _gregor_v1_JoinGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _gregor_v1_JoinGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  JoinGroup(argument: _gregor_v1_JoinGroupRequest, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _gregor_v1_JoinGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _gregor_v1_JoinGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _gregor_v1_JoinGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  joinGroup(argument: _gregor_v1_JoinGroupRequest, callback: grpc.requestCallback<_gregor_v1_JoinGroupResponse__Output>): grpc.ClientUnaryCall;
  
  LeaveGroup(argument: _gregor_v1_LeaveGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _gregor_v1_LeaveGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _gregor_v1_LeaveGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  LeaveGroup(argument: _gregor_v1_LeaveGroupRequest, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _gregor_v1_LeaveGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _gregor_v1_LeaveGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _gregor_v1_LeaveGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  leaveGroup(argument: _gregor_v1_LeaveGroupRequest, callback: grpc.requestCallback<_gregor_v1_LeaveGroupResponse__Output>): grpc.ClientUnaryCall;
  
  ListGroups(argument: _gregor_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _gregor_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _gregor_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _gregor_v1_ListGroupsRequest, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _gregor_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _gregor_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _gregor_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _gregor_v1_ListGroupsRequest, callback: grpc.requestCallback<_gregor_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _gregor_v1_ListOffsetsRequest, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _gregor_v1_ListOffsetsRequest, callback: grpc.requestCallback<_gregor_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTransactions(argument: _gregor_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _gregor_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _gregor_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _gregor_v1_ListTransactionsRequest, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _gregor_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _gregor_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _gregor_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _gregor_v1_ListTransactionsRequest, callback: grpc.requestCallback<_gregor_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  
  Metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _gregor_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _gregor_v1_MetadataRequest, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _gregor_v1_MetadataRequest, callback: grpc.requestCallback<_gregor_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  
  OffsetCommit(argument: _gregor_v1_OffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  OffsetCommit(argument: _gregor_v1_OffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  OffsetCommit(argument: _gregor_v1_OffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  OffsetCommit(argument: _gregor_v1_OffsetCommitRequest, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _gregor_v1_OffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _gregor_v1_OffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _gregor_v1_OffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  offsetCommit(argument: _gregor_v1_OffsetCommitRequest, callback: grpc.requestCallback<_gregor_v1_OffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  
  OffsetFetch(argument: _gregor_v1_OffsetFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  OffsetFetch(argument: _gregor_v1_OffsetFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  OffsetFetch(argument: _gregor_v1_OffsetFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  OffsetFetch(argument: _gregor_v1_OffsetFetchRequest, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _gregor_v1_OffsetFetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _gregor_v1_OffsetFetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _gregor_v1_OffsetFetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  offsetFetch(argument: _gregor_v1_OffsetFetchRequest, callback: grpc.requestCallback<_gregor_v1_OffsetFetchResponse__Output>): grpc.ClientUnaryCall;
  
  Produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _gregor_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _gregor_v1_ProduceRequest, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _gregor_v1_ProduceRequest, callback: grpc.requestCallback<_gregor_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
  ProduceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ProduceStreamRequest, _gregor_v1_ProduceStreamResponse__Output>;
  ProduceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ProduceStreamRequest, _gregor_v1_ProduceStreamResponse__Output>;
  produceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ProduceStreamRequest, _gregor_v1_ProduceStreamResponse__Output>;
  produceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gregor_v1_ProduceStreamRequest, _gregor_v1_ProduceStreamResponse__Output>;
  
  SyncGroup(argument: _gregor_v1_SyncGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  SyncGroup(argument: _gregor_v1_SyncGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  SyncGroup(argument: _gregor_v1_SyncGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  SyncGroup(argument: _gregor_v1_SyncGroupRequest, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _gregor_v1_SyncGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _gregor_v1_SyncGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _gregor_v1_SyncGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  syncGroup(argument: _gregor_v1_SyncGroupRequest, callback: grpc.requestCallback<_gregor_v1_SyncGroupResponse__Output>): grpc.ClientUnaryCall;
  
  TxnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  TxnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  TxnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  TxnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  txnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  txnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  txnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  txnOffsetCommit(argument: _gregor_v1_TxnOffsetCommitRequest, callback: grpc.requestCallback<_gregor_v1_TxnOffsetCommitResponse__Output>): grpc.ClientUnaryCall;
  
  WriteTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  WriteTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  WriteTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  WriteTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  writeTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  writeTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  writeTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  writeTxnMarkers(argument: _gregor_v1_WriteTxnMarkersRequest, callback: grpc.requestCallback<_gregor_v1_WriteTxnMarkersResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GregorHandlers extends grpc.UntypedServiceImplementation {
  AddOffsetsToTxn: grpc.handleUnaryCall<_gregor_v1_AddOffsetsToTxnRequest__Output, _gregor_v1_AddOffsetsToTxnResponse>;
  
  AddPartitionsToTxn: grpc.handleUnaryCall<_gregor_v1_AddPartitionsToTxnRequest__Output, _gregor_v1_AddPartitionsToTxnResponse>;
  
  AlterConfigs: grpc.handleUnaryCall<_gregor_v1_AlterConfigsRequest__Output, _gregor_v1_AlterConfigsResponse>;
  
  CreatePartitions: grpc.handleUnaryCall<_gregor_v1_AddPartitionsRequest__Output, _gregor_v1_AddPartitionsResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_gregor_v1_CreateTopicsRequest__Output, _gregor_v1_CreateTopicsResponse>;
  
  DeleteGroups: grpc.handleUnaryCall<_gregor_v1_DeleteGroupsRequest__Output, _gregor_v1_DeleteGroupsResponse>;
  
  DeleteRecords: grpc.handleUnaryCall<_gregor_v1_DeleteRecordsRequest__Output, _gregor_v1_DeleteRecordsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_gregor_v1_DeleteTopicsRequest__Output, _gregor_v1_DeleteTopicsResponse>;
  
  DescribeConfigs: grpc.handleUnaryCall<_gregor_v1_DescribeConfigsRequest__Output, _gregor_v1_DescribeConfigsResponse>;
  
  DescribeGroups: grpc.handleUnaryCall<_gregor_v1_DescribeGroupsRequest__Output, _gregor_v1_DescribeGroupsResponse>;
  
  DescribeProducers: grpc.handleUnaryCall<_gregor_v1_DescribeProducersRequest__Output, _gregor_v1_DescribeProducersResponse>;
  
  DescribeTransactions: grpc.handleUnaryCall<_gregor_v1_DescribeTransactionsRequest__Output, _gregor_v1_DescribeTransactionsResponse>;
  
  EndTxn: grpc.handleUnaryCall<_gregor_v1_EndTxnRequest__Output, _gregor_v1_EndTxnResponse>;
  
  Fetch: grpc.handleUnaryCall<_gregor_v1_FetchRequest__Output, _gregor_v1_FetchResponse>;
  
  FindCoordinator: grpc.handleUnaryCall<_gregor_v1_FindCoordinatorRequest__Output, _gregor_v1_FindCoordinatorResponse>;
  
  Heartbeat: grpc.handleUnaryCall<_gregor_v1_HeartbeatRequest__Output, _gregor_v1_HeartbeatResponse>;
  
  InitProducerId: grpc.handleUnaryCall<_gregor_v1_InitProducerIdRequest__Output, _gregor_v1_InitProducerIdResponse>;
  
  JoinGroup: grpc.handleUnaryCall<_gregor_v1_JoinGroupRequest__Output, _gregor_v1_JoinGroupResponse>;
  
  LeaveGroup: grpc.handleUnaryCall<_gregor_v1_LeaveGroupRequest__Output, _gregor_v1_LeaveGroupResponse>;
  
  ListGroups: grpc.handleUnaryCall<_gregor_v1_ListGroupsRequest__Output, _gregor_v1_ListGroupsResponse>;
  
  ListOffsets: grpc.handleUnaryCall<_gregor_v1_ListOffsetsRequest__Output, _gregor_v1_ListOffsetsResponse>;
  
  ListTransactions: grpc.handleUnaryCall<_gregor_v1_ListTransactionsRequest__Output, _gregor_v1_ListTransactionsResponse>;
  
  Metadata: grpc.handleUnaryCall<_gregor_v1_MetadataRequest__Output, _gregor_v1_MetadataResponse>;
  
  OffsetCommit: grpc.handleUnaryCall<_gregor_v1_OffsetCommitRequest__Output, _gregor_v1_OffsetCommitResponse>;
  
  OffsetFetch: grpc.handleUnaryCall<_gregor_v1_OffsetFetchRequest__Output, _gregor_v1_OffsetFetchResponse>;
  
  Produce: grpc.handleUnaryCall<_gregor_v1_ProduceRequest__Output, _gregor_v1_ProduceResponse>;
  
  ProduceStream: grpc.handleBidiStreamingCall<_gregor_v1_ProduceStreamRequest__Output, _gregor_v1_ProduceStreamResponse>;
  
  SyncGroup: grpc.handleUnaryCall<_gregor_v1_SyncGroupRequest__Output, _gregor_v1_SyncGroupResponse>;
  
  TxnOffsetCommit: grpc.handleUnaryCall<_gregor_v1_TxnOffsetCommitRequest__Output, _gregor_v1_TxnOffsetCommitResponse>;
  
  WriteTxnMarkers: grpc.handleUnaryCall<_gregor_v1_WriteTxnMarkersRequest__Output, _gregor_v1_WriteTxnMarkersResponse>;
  
}

export interface GregorDefinition extends grpc.ServiceDefinition {
  AddOffsetsToTxn: MethodDefinition<_gregor_v1_AddOffsetsToTxnRequest, _gregor_v1_AddOffsetsToTxnResponse, _gregor_v1_AddOffsetsToTxnRequest__Output, _gregor_v1_AddOffsetsToTxnResponse__Output>
  AddPartitionsToTxn: MethodDefinition<_gregor_v1_AddPartitionsToTxnRequest, _gregor_v1_AddPartitionsToTxnResponse, _gregor_v1_AddPartitionsToTxnRequest__Output, _gregor_v1_AddPartitionsToTxnResponse__Output>
  AlterConfigs: MethodDefinition<_gregor_v1_AlterConfigsRequest, _gregor_v1_AlterConfigsResponse, _gregor_v1_AlterConfigsRequest__Output, _gregor_v1_AlterConfigsResponse__Output>
  CreatePartitions: MethodDefinition<_gregor_v1_AddPartitionsRequest, _gregor_v1_AddPartitionsResponse, _gregor_v1_AddPartitionsRequest__Output, _gregor_v1_AddPartitionsResponse__Output>
  CreateTopics: MethodDefinition<_gregor_v1_CreateTopicsRequest, _gregor_v1_CreateTopicsResponse, _gregor_v1_CreateTopicsRequest__Output, _gregor_v1_CreateTopicsResponse__Output>
  DeleteGroups: MethodDefinition<_gregor_v1_DeleteGroupsRequest, _gregor_v1_DeleteGroupsResponse, _gregor_v1_DeleteGroupsRequest__Output, _gregor_v1_DeleteGroupsResponse__Output>
  DeleteRecords: MethodDefinition<_gregor_v1_DeleteRecordsRequest, _gregor_v1_DeleteRecordsResponse, _gregor_v1_DeleteRecordsRequest__Output, _gregor_v1_DeleteRecordsResponse__Output>
  DeleteTopics: MethodDefinition<_gregor_v1_DeleteTopicsRequest, _gregor_v1_DeleteTopicsResponse, _gregor_v1_DeleteTopicsRequest__Output, _gregor_v1_DeleteTopicsResponse__Output>
  DescribeConfigs: MethodDefinition<_gregor_v1_DescribeConfigsRequest, _gregor_v1_DescribeConfigsResponse, _gregor_v1_DescribeConfigsRequest__Output, _gregor_v1_DescribeConfigsResponse__Output>
  DescribeGroups: MethodDefinition<_gregor_v1_DescribeGroupsRequest, _gregor_v1_DescribeGroupsResponse, _gregor_v1_DescribeGroupsRequest__Output, _gregor_v1_DescribeGroupsResponse__Output>
  DescribeProducers: MethodDefinition<_gregor_v1_DescribeProducersRequest, _gregor_v1_DescribeProducersResponse, _gregor_v1_DescribeProducersRequest__Output, _gregor_v1_DescribeProducersResponse__Output>
  DescribeTransactions: MethodDefinition<_gregor_v1_DescribeTransactionsRequest, _gregor_v1_DescribeTransactionsResponse, _gregor_v1_DescribeTransactionsRequest__Output, _gregor_v1_DescribeTransactionsResponse__Output>
  EndTxn: MethodDefinition<_gregor_v1_EndTxnRequest, _gregor_v1_EndTxnResponse, _gregor_v1_EndTxnRequest__Output, _gregor_v1_EndTxnResponse__Output>
  Fetch: MethodDefinition<_gregor_v1_FetchRequest, _gregor_v1_FetchResponse, _gregor_v1_FetchRequest__Output, _gregor_v1_FetchResponse__Output>
  FindCoordinator: MethodDefinition<_gregor_v1_FindCoordinatorRequest, _gregor_v1_FindCoordinatorResponse, _gregor_v1_FindCoordinatorRequest__Output, _gregor_v1_FindCoordinatorResponse__Output>
  Heartbeat: MethodDefinition<_gregor_v1_HeartbeatRequest, _gregor_v1_HeartbeatResponse, _gregor_v1_HeartbeatRequest__Output, _gregor_v1_HeartbeatResponse__Output>
  InitProducerId: MethodDefinition<_gregor_v1_InitProducerIdRequest, _gregor_v1_InitProducerIdResponse, _gregor_v1_InitProducerIdRequest__Output, _gregor_v1_InitProducerIdResponse__Output>
  JoinGroup: MethodDefinition<_gregor_v1_JoinGroupRequest, _gregor_v1_JoinGroupResponse, _gregor_v1_JoinGroupRequest__Output, _gregor_v1_JoinGroupResponse__Output>
  LeaveGroup: MethodDefinition<_gregor_v1_LeaveGroupRequest, _gregor_v1_LeaveGroupResponse, _gregor_v1_LeaveGroupRequest__Output, _gregor_v1_LeaveGroupResponse__Output>
  ListGroups: MethodDefinition<_gregor_v1_ListGroupsRequest, _gregor_v1_ListGroupsResponse, _gregor_v1_ListGroupsRequest__Output, _gregor_v1_ListGroupsResponse__Output>
  ListOffsets: MethodDefinition<_gregor_v1_ListOffsetsRequest, _gregor_v1_ListOffsetsResponse, _gregor_v1_ListOffsetsRequest__Output, _gregor_v1_ListOffsetsResponse__Output>
  ListTransactions: MethodDefinition<_gregor_v1_ListTransactionsRequest, _gregor_v1_ListTransactionsResponse, _gregor_v1_ListTransactionsRequest__Output, _gregor_v1_ListTransactionsResponse__Output>
  Metadata: MethodDefinition<_gregor_v1_MetadataRequest, _gregor_v1_MetadataResponse, _gregor_v1_MetadataRequest__Output, _gregor_v1_MetadataResponse__Output>
  OffsetCommit: MethodDefinition<_gregor_v1_OffsetCommitRequest, _gregor_v1_OffsetCommitResponse, _gregor_v1_OffsetCommitRequest__Output, _gregor_v1_OffsetCommitResponse__Output>
  OffsetFetch: MethodDefinition<_gregor_v1_OffsetFetchRequest, _gregor_v1_OffsetFetchResponse, _gregor_v1_OffsetFetchRequest__Output, _gregor_v1_OffsetFetchResponse__Output>
  Produce: MethodDefinition<_gregor_v1_ProduceRequest, _gregor_v1_ProduceResponse, _gregor_v1_ProduceRequest__Output, _gregor_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_gregor_v1_ProduceStreamRequest, _gregor_v1_ProduceStreamResponse, _gregor_v1_ProduceStreamRequest__Output, _gregor_v1_ProduceStreamResponse__Output>
  SyncGroup: MethodDefinition<_gregor_v1_SyncGroupRequest, _gregor_v1_SyncGroupResponse, _gregor_v1_SyncGroupRequest__Output, _gregor_v1_SyncGroupResponse__Output>
  TxnOffsetCommit: MethodDefinition<_gregor_v1_TxnOffsetCommitRequest, _gregor_v1_TxnOffsetCommitResponse, _gregor_v1_TxnOffsetCommitRequest__Output, _gregor_v1_TxnOffsetCommitResponse__Output>
  WriteTxnMarkers: MethodDefinition<_gregor_v1_WriteTxnMarkersRequest, _gregor_v1_WriteTxnMarkersResponse, _gregor_v1_WriteTxnMarkersRequest__Output, _gregor_v1_WriteTxnMarkersResponse__Output>
}
