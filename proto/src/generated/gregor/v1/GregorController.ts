// Original file: gregor/v1/controller.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AllocateProducerIdsRequest as _gregor_v1_AllocateProducerIdsRequest, AllocateProducerIdsRequest__Output as _gregor_v1_AllocateProducerIdsRequest__Output } from '../../gregor/v1/AllocateProducerIdsRequest';
import type { AllocateProducerIdsResponse as _gregor_v1_AllocateProducerIdsResponse, AllocateProducerIdsResponse__Output as _gregor_v1_AllocateProducerIdsResponse__Output } from '../../gregor/v1/AllocateProducerIdsResponse';
import type { AlterPartitionRequest as _gregor_v1_AlterPartitionRequest, AlterPartitionRequest__Output as _gregor_v1_AlterPartitionRequest__Output } from '../../gregor/v1/AlterPartitionRequest';
import type { AlterPartitionResponse as _gregor_v1_AlterPartitionResponse, AlterPartitionResponse__Output as _gregor_v1_AlterPartitionResponse__Output } from '../../gregor/v1/AlterPartitionResponse';
import type { BrokerHeartbeatRequest as _gregor_v1_BrokerHeartbeatRequest, BrokerHeartbeatRequest__Output as _gregor_v1_BrokerHeartbeatRequest__Output } from '../../gregor/v1/BrokerHeartbeatRequest';
import type { BrokerHeartbeatResponse as _gregor_v1_BrokerHeartbeatResponse, BrokerHeartbeatResponse__Output as _gregor_v1_BrokerHeartbeatResponse__Output } from '../../gregor/v1/BrokerHeartbeatResponse';
import type { BrokerRegistrationRequest as _gregor_v1_BrokerRegistrationRequest, BrokerRegistrationRequest__Output as _gregor_v1_BrokerRegistrationRequest__Output } from '../../gregor/v1/BrokerRegistrationRequest';
import type { BrokerRegistrationResponse as _gregor_v1_BrokerRegistrationResponse, BrokerRegistrationResponse__Output as _gregor_v1_BrokerRegistrationResponse__Output } from '../../gregor/v1/BrokerRegistrationResponse';
import type { ControllerAlterConfigsRequest as _gregor_v1_ControllerAlterConfigsRequest, ControllerAlterConfigsRequest__Output as _gregor_v1_ControllerAlterConfigsRequest__Output } from '../../gregor/v1/ControllerAlterConfigsRequest';
import type { ControllerCreateTopicsRequest as _gregor_v1_ControllerCreateTopicsRequest, ControllerCreateTopicsRequest__Output as _gregor_v1_ControllerCreateTopicsRequest__Output } from '../../gregor/v1/ControllerCreateTopicsRequest';
import type { ControllerDeleteTopicsRequest as _gregor_v1_ControllerDeleteTopicsRequest, ControllerDeleteTopicsRequest__Output as _gregor_v1_ControllerDeleteTopicsRequest__Output } from '../../gregor/v1/ControllerDeleteTopicsRequest';
import type { ControllerTopicsResponse as _gregor_v1_ControllerTopicsResponse, ControllerTopicsResponse__Output as _gregor_v1_ControllerTopicsResponse__Output } from '../../gregor/v1/ControllerTopicsResponse';
import type { CreatePartitionsRequest as _gregor_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _gregor_v1_CreatePartitionsRequest__Output } from '../../gregor/v1/CreatePartitionsRequest';
import type { DescribeQuorumRequest as _gregor_v1_DescribeQuorumRequest, DescribeQuorumRequest__Output as _gregor_v1_DescribeQuorumRequest__Output } from '../../gregor/v1/DescribeQuorumRequest';
import type { DescribeQuorumResponse as _gregor_v1_DescribeQuorumResponse, DescribeQuorumResponse__Output as _gregor_v1_DescribeQuorumResponse__Output } from '../../gregor/v1/DescribeQuorumResponse';
import type { FetchMetadataRequest as _gregor_v1_FetchMetadataRequest, FetchMetadataRequest__Output as _gregor_v1_FetchMetadataRequest__Output } from '../../gregor/v1/FetchMetadataRequest';
import type { FetchMetadataResponse as _gregor_v1_FetchMetadataResponse, FetchMetadataResponse__Output as _gregor_v1_FetchMetadataResponse__Output } from '../../gregor/v1/FetchMetadataResponse';
import type { RaftAck as _gregor_v1_RaftAck, RaftAck__Output as _gregor_v1_RaftAck__Output } from '../../gregor/v1/RaftAck';
import type { RaftBatch as _gregor_v1_RaftBatch, RaftBatch__Output as _gregor_v1_RaftBatch__Output } from '../../gregor/v1/RaftBatch';

export interface GregorControllerClient extends grpc.Client {
  AllocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _gregor_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_gregor_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  
  AlterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  AlterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  alterConfigs(argument: _gregor_v1_ControllerAlterConfigsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  AlterPartition(argument: _gregor_v1_AlterPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _gregor_v1_AlterPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _gregor_v1_AlterPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  AlterPartition(argument: _gregor_v1_AlterPartitionRequest, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _gregor_v1_AlterPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _gregor_v1_AlterPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _gregor_v1_AlterPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  alterPartition(argument: _gregor_v1_AlterPartitionRequest, callback: grpc.requestCallback<_gregor_v1_AlterPartitionResponse__Output>): grpc.ClientUnaryCall;
  
  BrokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _gregor_v1_BrokerHeartbeatRequest, callback: grpc.requestCallback<_gregor_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  BrokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  BrokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  BrokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  BrokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  brokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  brokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  brokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  brokerRegistration(argument: _gregor_v1_BrokerRegistrationRequest, callback: grpc.requestCallback<_gregor_v1_BrokerRegistrationResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePartitions(argument: _gregor_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _gregor_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _gregor_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _gregor_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _gregor_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  CreateTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  createTopics(argument: _gregor_v1_ControllerCreateTopicsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  deleteTopics(argument: _gregor_v1_ControllerDeleteTopicsRequest, callback: grpc.requestCallback<_gregor_v1_ControllerTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeQuorum(argument: _gregor_v1_DescribeQuorumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  DescribeQuorum(argument: _gregor_v1_DescribeQuorumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  DescribeQuorum(argument: _gregor_v1_DescribeQuorumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  DescribeQuorum(argument: _gregor_v1_DescribeQuorumRequest, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _gregor_v1_DescribeQuorumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _gregor_v1_DescribeQuorumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _gregor_v1_DescribeQuorumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  describeQuorum(argument: _gregor_v1_DescribeQuorumRequest, callback: grpc.requestCallback<_gregor_v1_DescribeQuorumResponse__Output>): grpc.ClientUnaryCall;
  
  FetchMetadata(argument: _gregor_v1_FetchMetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  FetchMetadata(argument: _gregor_v1_FetchMetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  FetchMetadata(argument: _gregor_v1_FetchMetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  FetchMetadata(argument: _gregor_v1_FetchMetadataRequest, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  fetchMetadata(argument: _gregor_v1_FetchMetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  fetchMetadata(argument: _gregor_v1_FetchMetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  fetchMetadata(argument: _gregor_v1_FetchMetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  fetchMetadata(argument: _gregor_v1_FetchMetadataRequest, callback: grpc.requestCallback<_gregor_v1_FetchMetadataResponse__Output>): grpc.ClientUnaryCall;
  
  Raft(argument: _gregor_v1_RaftBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  Raft(argument: _gregor_v1_RaftBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  Raft(argument: _gregor_v1_RaftBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  Raft(argument: _gregor_v1_RaftBatch, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  raft(argument: _gregor_v1_RaftBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  raft(argument: _gregor_v1_RaftBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  raft(argument: _gregor_v1_RaftBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  raft(argument: _gregor_v1_RaftBatch, callback: grpc.requestCallback<_gregor_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  
}

export interface GregorControllerHandlers extends grpc.UntypedServiceImplementation {
  AllocateProducerIds: grpc.handleUnaryCall<_gregor_v1_AllocateProducerIdsRequest__Output, _gregor_v1_AllocateProducerIdsResponse>;
  
  AlterConfigs: grpc.handleUnaryCall<_gregor_v1_ControllerAlterConfigsRequest__Output, _gregor_v1_ControllerTopicsResponse>;
  
  AlterPartition: grpc.handleUnaryCall<_gregor_v1_AlterPartitionRequest__Output, _gregor_v1_AlterPartitionResponse>;
  
  BrokerHeartbeat: grpc.handleUnaryCall<_gregor_v1_BrokerHeartbeatRequest__Output, _gregor_v1_BrokerHeartbeatResponse>;
  
  BrokerRegistration: grpc.handleUnaryCall<_gregor_v1_BrokerRegistrationRequest__Output, _gregor_v1_BrokerRegistrationResponse>;
  
  CreatePartitions: grpc.handleUnaryCall<_gregor_v1_CreatePartitionsRequest__Output, _gregor_v1_ControllerTopicsResponse>;
  
  CreateTopics: grpc.handleUnaryCall<_gregor_v1_ControllerCreateTopicsRequest__Output, _gregor_v1_ControllerTopicsResponse>;
  
  DeleteTopics: grpc.handleUnaryCall<_gregor_v1_ControllerDeleteTopicsRequest__Output, _gregor_v1_ControllerTopicsResponse>;
  
  DescribeQuorum: grpc.handleUnaryCall<_gregor_v1_DescribeQuorumRequest__Output, _gregor_v1_DescribeQuorumResponse>;
  
  FetchMetadata: grpc.handleUnaryCall<_gregor_v1_FetchMetadataRequest__Output, _gregor_v1_FetchMetadataResponse>;
  
  Raft: grpc.handleUnaryCall<_gregor_v1_RaftBatch__Output, _gregor_v1_RaftAck>;
  
}

export interface GregorControllerDefinition extends grpc.ServiceDefinition {
  AllocateProducerIds: MethodDefinition<_gregor_v1_AllocateProducerIdsRequest, _gregor_v1_AllocateProducerIdsResponse, _gregor_v1_AllocateProducerIdsRequest__Output, _gregor_v1_AllocateProducerIdsResponse__Output>
  AlterConfigs: MethodDefinition<_gregor_v1_ControllerAlterConfigsRequest, _gregor_v1_ControllerTopicsResponse, _gregor_v1_ControllerAlterConfigsRequest__Output, _gregor_v1_ControllerTopicsResponse__Output>
  AlterPartition: MethodDefinition<_gregor_v1_AlterPartitionRequest, _gregor_v1_AlterPartitionResponse, _gregor_v1_AlterPartitionRequest__Output, _gregor_v1_AlterPartitionResponse__Output>
  BrokerHeartbeat: MethodDefinition<_gregor_v1_BrokerHeartbeatRequest, _gregor_v1_BrokerHeartbeatResponse, _gregor_v1_BrokerHeartbeatRequest__Output, _gregor_v1_BrokerHeartbeatResponse__Output>
  BrokerRegistration: MethodDefinition<_gregor_v1_BrokerRegistrationRequest, _gregor_v1_BrokerRegistrationResponse, _gregor_v1_BrokerRegistrationRequest__Output, _gregor_v1_BrokerRegistrationResponse__Output>
  CreatePartitions: MethodDefinition<_gregor_v1_CreatePartitionsRequest, _gregor_v1_ControllerTopicsResponse, _gregor_v1_CreatePartitionsRequest__Output, _gregor_v1_ControllerTopicsResponse__Output>
  CreateTopics: MethodDefinition<_gregor_v1_ControllerCreateTopicsRequest, _gregor_v1_ControllerTopicsResponse, _gregor_v1_ControllerCreateTopicsRequest__Output, _gregor_v1_ControllerTopicsResponse__Output>
  DeleteTopics: MethodDefinition<_gregor_v1_ControllerDeleteTopicsRequest, _gregor_v1_ControllerTopicsResponse, _gregor_v1_ControllerDeleteTopicsRequest__Output, _gregor_v1_ControllerTopicsResponse__Output>
  DescribeQuorum: MethodDefinition<_gregor_v1_DescribeQuorumRequest, _gregor_v1_DescribeQuorumResponse, _gregor_v1_DescribeQuorumRequest__Output, _gregor_v1_DescribeQuorumResponse__Output>
  FetchMetadata: MethodDefinition<_gregor_v1_FetchMetadataRequest, _gregor_v1_FetchMetadataResponse, _gregor_v1_FetchMetadataRequest__Output, _gregor_v1_FetchMetadataResponse__Output>
  Raft: MethodDefinition<_gregor_v1_RaftBatch, _gregor_v1_RaftAck, _gregor_v1_RaftBatch__Output, _gregor_v1_RaftAck__Output>
}
