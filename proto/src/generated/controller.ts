import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AllocateProducerIdsRequest as _gregor_v1_AllocateProducerIdsRequest, AllocateProducerIdsRequest__Output as _gregor_v1_AllocateProducerIdsRequest__Output } from './gregor/v1/AllocateProducerIdsRequest';
import type { AllocateProducerIdsResponse as _gregor_v1_AllocateProducerIdsResponse, AllocateProducerIdsResponse__Output as _gregor_v1_AllocateProducerIdsResponse__Output } from './gregor/v1/AllocateProducerIdsResponse';
import type { AlterPartitionItem as _gregor_v1_AlterPartitionItem, AlterPartitionItem__Output as _gregor_v1_AlterPartitionItem__Output } from './gregor/v1/AlterPartitionItem';
import type { AlterPartitionRequest as _gregor_v1_AlterPartitionRequest, AlterPartitionRequest__Output as _gregor_v1_AlterPartitionRequest__Output } from './gregor/v1/AlterPartitionRequest';
import type { AlterPartitionResponse as _gregor_v1_AlterPartitionResponse, AlterPartitionResponse__Output as _gregor_v1_AlterPartitionResponse__Output } from './gregor/v1/AlterPartitionResponse';
import type { AlterPartitionResult as _gregor_v1_AlterPartitionResult, AlterPartitionResult__Output as _gregor_v1_AlterPartitionResult__Output } from './gregor/v1/AlterPartitionResult';
import type { BrokerHeartbeatRequest as _gregor_v1_BrokerHeartbeatRequest, BrokerHeartbeatRequest__Output as _gregor_v1_BrokerHeartbeatRequest__Output } from './gregor/v1/BrokerHeartbeatRequest';
import type { BrokerHeartbeatResponse as _gregor_v1_BrokerHeartbeatResponse, BrokerHeartbeatResponse__Output as _gregor_v1_BrokerHeartbeatResponse__Output } from './gregor/v1/BrokerHeartbeatResponse';
import type { BrokerListener as _gregor_v1_BrokerListener, BrokerListener__Output as _gregor_v1_BrokerListener__Output } from './gregor/v1/BrokerListener';
import type { BrokerRegistrationRequest as _gregor_v1_BrokerRegistrationRequest, BrokerRegistrationRequest__Output as _gregor_v1_BrokerRegistrationRequest__Output } from './gregor/v1/BrokerRegistrationRequest';
import type { BrokerRegistrationResponse as _gregor_v1_BrokerRegistrationResponse, BrokerRegistrationResponse__Output as _gregor_v1_BrokerRegistrationResponse__Output } from './gregor/v1/BrokerRegistrationResponse';
import type { ControllerAlterConfigsRequest as _gregor_v1_ControllerAlterConfigsRequest, ControllerAlterConfigsRequest__Output as _gregor_v1_ControllerAlterConfigsRequest__Output } from './gregor/v1/ControllerAlterConfigsRequest';
import type { ControllerAlterConfigsTopic as _gregor_v1_ControllerAlterConfigsTopic, ControllerAlterConfigsTopic__Output as _gregor_v1_ControllerAlterConfigsTopic__Output } from './gregor/v1/ControllerAlterConfigsTopic';
import type { ControllerCreateTopicsRequest as _gregor_v1_ControllerCreateTopicsRequest, ControllerCreateTopicsRequest__Output as _gregor_v1_ControllerCreateTopicsRequest__Output } from './gregor/v1/ControllerCreateTopicsRequest';
import type { ControllerDeleteTopicsRequest as _gregor_v1_ControllerDeleteTopicsRequest, ControllerDeleteTopicsRequest__Output as _gregor_v1_ControllerDeleteTopicsRequest__Output } from './gregor/v1/ControllerDeleteTopicsRequest';
import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from './gregor/v1/ControllerError';
import type { ControllerNewTopic as _gregor_v1_ControllerNewTopic, ControllerNewTopic__Output as _gregor_v1_ControllerNewTopic__Output } from './gregor/v1/ControllerNewTopic';
import type { ControllerTopicResult as _gregor_v1_ControllerTopicResult, ControllerTopicResult__Output as _gregor_v1_ControllerTopicResult__Output } from './gregor/v1/ControllerTopicResult';
import type { ControllerTopicsResponse as _gregor_v1_ControllerTopicsResponse, ControllerTopicsResponse__Output as _gregor_v1_ControllerTopicsResponse__Output } from './gregor/v1/ControllerTopicsResponse';
import type { CreatePartitionsRequest as _gregor_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _gregor_v1_CreatePartitionsRequest__Output } from './gregor/v1/CreatePartitionsRequest';
import type { CreatePartitionsTopic as _gregor_v1_CreatePartitionsTopic, CreatePartitionsTopic__Output as _gregor_v1_CreatePartitionsTopic__Output } from './gregor/v1/CreatePartitionsTopic';
import type { DescribeQuorumRequest as _gregor_v1_DescribeQuorumRequest, DescribeQuorumRequest__Output as _gregor_v1_DescribeQuorumRequest__Output } from './gregor/v1/DescribeQuorumRequest';
import type { DescribeQuorumResponse as _gregor_v1_DescribeQuorumResponse, DescribeQuorumResponse__Output as _gregor_v1_DescribeQuorumResponse__Output } from './gregor/v1/DescribeQuorumResponse';
import type { FetchMetadataRequest as _gregor_v1_FetchMetadataRequest, FetchMetadataRequest__Output as _gregor_v1_FetchMetadataRequest__Output } from './gregor/v1/FetchMetadataRequest';
import type { FetchMetadataResponse as _gregor_v1_FetchMetadataResponse, FetchMetadataResponse__Output as _gregor_v1_FetchMetadataResponse__Output } from './gregor/v1/FetchMetadataResponse';
import type { GregorControllerClient as _gregor_v1_GregorControllerClient, GregorControllerDefinition as _gregor_v1_GregorControllerDefinition } from './gregor/v1/GregorController';
import type { MetadataEntry as _gregor_v1_MetadataEntry, MetadataEntry__Output as _gregor_v1_MetadataEntry__Output } from './gregor/v1/MetadataEntry';
import type { QuorumBroker as _gregor_v1_QuorumBroker, QuorumBroker__Output as _gregor_v1_QuorumBroker__Output } from './gregor/v1/QuorumBroker';
import type { QuorumVoter as _gregor_v1_QuorumVoter, QuorumVoter__Output as _gregor_v1_QuorumVoter__Output } from './gregor/v1/QuorumVoter';
import type { RaftAck as _gregor_v1_RaftAck, RaftAck__Output as _gregor_v1_RaftAck__Output } from './gregor/v1/RaftAck';
import type { RaftBatch as _gregor_v1_RaftBatch, RaftBatch__Output as _gregor_v1_RaftBatch__Output } from './gregor/v1/RaftBatch';
import type { RaftEntry as _gregor_v1_RaftEntry, RaftEntry__Output as _gregor_v1_RaftEntry__Output } from './gregor/v1/RaftEntry';
import type { RaftMessage as _gregor_v1_RaftMessage, RaftMessage__Output as _gregor_v1_RaftMessage__Output } from './gregor/v1/RaftMessage';
import type { RaftSnapshot as _gregor_v1_RaftSnapshot, RaftSnapshot__Output as _gregor_v1_RaftSnapshot__Output } from './gregor/v1/RaftSnapshot';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gregor: {
    v1: {
      AllocateProducerIdsRequest: MessageTypeDefinition<_gregor_v1_AllocateProducerIdsRequest, _gregor_v1_AllocateProducerIdsRequest__Output>
      AllocateProducerIdsResponse: MessageTypeDefinition<_gregor_v1_AllocateProducerIdsResponse, _gregor_v1_AllocateProducerIdsResponse__Output>
      AlterPartitionItem: MessageTypeDefinition<_gregor_v1_AlterPartitionItem, _gregor_v1_AlterPartitionItem__Output>
      AlterPartitionRequest: MessageTypeDefinition<_gregor_v1_AlterPartitionRequest, _gregor_v1_AlterPartitionRequest__Output>
      AlterPartitionResponse: MessageTypeDefinition<_gregor_v1_AlterPartitionResponse, _gregor_v1_AlterPartitionResponse__Output>
      AlterPartitionResult: MessageTypeDefinition<_gregor_v1_AlterPartitionResult, _gregor_v1_AlterPartitionResult__Output>
      BrokerHeartbeatRequest: MessageTypeDefinition<_gregor_v1_BrokerHeartbeatRequest, _gregor_v1_BrokerHeartbeatRequest__Output>
      BrokerHeartbeatResponse: MessageTypeDefinition<_gregor_v1_BrokerHeartbeatResponse, _gregor_v1_BrokerHeartbeatResponse__Output>
      BrokerListener: MessageTypeDefinition<_gregor_v1_BrokerListener, _gregor_v1_BrokerListener__Output>
      BrokerRegistrationRequest: MessageTypeDefinition<_gregor_v1_BrokerRegistrationRequest, _gregor_v1_BrokerRegistrationRequest__Output>
      BrokerRegistrationResponse: MessageTypeDefinition<_gregor_v1_BrokerRegistrationResponse, _gregor_v1_BrokerRegistrationResponse__Output>
      ControllerAlterConfigsRequest: MessageTypeDefinition<_gregor_v1_ControllerAlterConfigsRequest, _gregor_v1_ControllerAlterConfigsRequest__Output>
      ControllerAlterConfigsTopic: MessageTypeDefinition<_gregor_v1_ControllerAlterConfigsTopic, _gregor_v1_ControllerAlterConfigsTopic__Output>
      ControllerCreateTopicsRequest: MessageTypeDefinition<_gregor_v1_ControllerCreateTopicsRequest, _gregor_v1_ControllerCreateTopicsRequest__Output>
      ControllerDeleteTopicsRequest: MessageTypeDefinition<_gregor_v1_ControllerDeleteTopicsRequest, _gregor_v1_ControllerDeleteTopicsRequest__Output>
      ControllerError: MessageTypeDefinition<_gregor_v1_ControllerError, _gregor_v1_ControllerError__Output>
      ControllerNewTopic: MessageTypeDefinition<_gregor_v1_ControllerNewTopic, _gregor_v1_ControllerNewTopic__Output>
      ControllerTopicResult: MessageTypeDefinition<_gregor_v1_ControllerTopicResult, _gregor_v1_ControllerTopicResult__Output>
      ControllerTopicsResponse: MessageTypeDefinition<_gregor_v1_ControllerTopicsResponse, _gregor_v1_ControllerTopicsResponse__Output>
      CreatePartitionsRequest: MessageTypeDefinition<_gregor_v1_CreatePartitionsRequest, _gregor_v1_CreatePartitionsRequest__Output>
      CreatePartitionsTopic: MessageTypeDefinition<_gregor_v1_CreatePartitionsTopic, _gregor_v1_CreatePartitionsTopic__Output>
      DescribeQuorumRequest: MessageTypeDefinition<_gregor_v1_DescribeQuorumRequest, _gregor_v1_DescribeQuorumRequest__Output>
      DescribeQuorumResponse: MessageTypeDefinition<_gregor_v1_DescribeQuorumResponse, _gregor_v1_DescribeQuorumResponse__Output>
      FetchMetadataRequest: MessageTypeDefinition<_gregor_v1_FetchMetadataRequest, _gregor_v1_FetchMetadataRequest__Output>
      FetchMetadataResponse: MessageTypeDefinition<_gregor_v1_FetchMetadataResponse, _gregor_v1_FetchMetadataResponse__Output>
      GregorController: SubtypeConstructor<typeof grpc.Client, _gregor_v1_GregorControllerClient> & { service: _gregor_v1_GregorControllerDefinition }
      MetadataEntry: MessageTypeDefinition<_gregor_v1_MetadataEntry, _gregor_v1_MetadataEntry__Output>
      QuorumBroker: MessageTypeDefinition<_gregor_v1_QuorumBroker, _gregor_v1_QuorumBroker__Output>
      QuorumVoter: MessageTypeDefinition<_gregor_v1_QuorumVoter, _gregor_v1_QuorumVoter__Output>
      RaftAck: MessageTypeDefinition<_gregor_v1_RaftAck, _gregor_v1_RaftAck__Output>
      RaftBatch: MessageTypeDefinition<_gregor_v1_RaftBatch, _gregor_v1_RaftBatch__Output>
      RaftEntry: MessageTypeDefinition<_gregor_v1_RaftEntry, _gregor_v1_RaftEntry__Output>
      RaftMessage: MessageTypeDefinition<_gregor_v1_RaftMessage, _gregor_v1_RaftMessage__Output>
      RaftSnapshot: MessageTypeDefinition<_gregor_v1_RaftSnapshot, _gregor_v1_RaftSnapshot__Output>
    }
  }
}

