import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ConsumedRecord as _gregor_v1_ConsumedRecord, ConsumedRecord__Output as _gregor_v1_ConsumedRecord__Output } from './gregor/v1/ConsumedRecord';
import type { PublishRecord as _gregor_v1_PublishRecord, PublishRecord__Output as _gregor_v1_PublishRecord__Output } from './gregor/v1/PublishRecord';
import type { PublishRequest as _gregor_v1_PublishRequest, PublishRequest__Output as _gregor_v1_PublishRequest__Output } from './gregor/v1/PublishRequest';
import type { PublishResponse as _gregor_v1_PublishResponse, PublishResponse__Output as _gregor_v1_PublishResponse__Output } from './gregor/v1/PublishResponse';
import type { PublishResult as _gregor_v1_PublishResult, PublishResult__Output as _gregor_v1_PublishResult__Output } from './gregor/v1/PublishResult';
import type { ReadRequest as _gregor_v1_ReadRequest, ReadRequest__Output as _gregor_v1_ReadRequest__Output } from './gregor/v1/ReadRequest';
import type { ReadResponse as _gregor_v1_ReadResponse, ReadResponse__Output as _gregor_v1_ReadResponse__Output } from './gregor/v1/ReadResponse';
import type { RecordAck as _gregor_v1_RecordAck, RecordAck__Output as _gregor_v1_RecordAck__Output } from './gregor/v1/RecordAck';
import type { RecordAckRange as _gregor_v1_RecordAckRange, RecordAckRange__Output as _gregor_v1_RecordAckRange__Output } from './gregor/v1/RecordAckRange';
import type { RecordsClient as _gregor_v1_RecordsClient, RecordsDefinition as _gregor_v1_RecordsDefinition } from './gregor/v1/Records';
import type { RecordsError as _gregor_v1_RecordsError, RecordsError__Output as _gregor_v1_RecordsError__Output } from './gregor/v1/RecordsError';
import type { RecordsHeader as _gregor_v1_RecordsHeader, RecordsHeader__Output as _gregor_v1_RecordsHeader__Output } from './gregor/v1/RecordsHeader';
import type { RecordsTopicPartitions as _gregor_v1_RecordsTopicPartitions, RecordsTopicPartitions__Output as _gregor_v1_RecordsTopicPartitions__Output } from './gregor/v1/RecordsTopicPartitions';
import type { SubscribeAcks as _gregor_v1_SubscribeAcks, SubscribeAcks__Output as _gregor_v1_SubscribeAcks__Output } from './gregor/v1/SubscribeAcks';
import type { SubscribeAssignment as _gregor_v1_SubscribeAssignment, SubscribeAssignment__Output as _gregor_v1_SubscribeAssignment__Output } from './gregor/v1/SubscribeAssignment';
import type { SubscribeOpen as _gregor_v1_SubscribeOpen, SubscribeOpen__Output as _gregor_v1_SubscribeOpen__Output } from './gregor/v1/SubscribeOpen';
import type { SubscribeRecords as _gregor_v1_SubscribeRecords, SubscribeRecords__Output as _gregor_v1_SubscribeRecords__Output } from './gregor/v1/SubscribeRecords';
import type { SubscribeRequest as _gregor_v1_SubscribeRequest, SubscribeRequest__Output as _gregor_v1_SubscribeRequest__Output } from './gregor/v1/SubscribeRequest';
import type { SubscribeResponse as _gregor_v1_SubscribeResponse, SubscribeResponse__Output as _gregor_v1_SubscribeResponse__Output } from './gregor/v1/SubscribeResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gregor: {
    v1: {
      ConsumedRecord: MessageTypeDefinition<_gregor_v1_ConsumedRecord, _gregor_v1_ConsumedRecord__Output>
      IsolationLevel: EnumTypeDefinition
      PublishAcks: EnumTypeDefinition
      PublishRecord: MessageTypeDefinition<_gregor_v1_PublishRecord, _gregor_v1_PublishRecord__Output>
      PublishRequest: MessageTypeDefinition<_gregor_v1_PublishRequest, _gregor_v1_PublishRequest__Output>
      PublishResponse: MessageTypeDefinition<_gregor_v1_PublishResponse, _gregor_v1_PublishResponse__Output>
      PublishResult: MessageTypeDefinition<_gregor_v1_PublishResult, _gregor_v1_PublishResult__Output>
      ReadRequest: MessageTypeDefinition<_gregor_v1_ReadRequest, _gregor_v1_ReadRequest__Output>
      ReadResponse: MessageTypeDefinition<_gregor_v1_ReadResponse, _gregor_v1_ReadResponse__Output>
      RecordAck: MessageTypeDefinition<_gregor_v1_RecordAck, _gregor_v1_RecordAck__Output>
      RecordAckRange: MessageTypeDefinition<_gregor_v1_RecordAckRange, _gregor_v1_RecordAckRange__Output>
      Records: SubtypeConstructor<typeof grpc.Client, _gregor_v1_RecordsClient> & { service: _gregor_v1_RecordsDefinition }
      RecordsError: MessageTypeDefinition<_gregor_v1_RecordsError, _gregor_v1_RecordsError__Output>
      RecordsHeader: MessageTypeDefinition<_gregor_v1_RecordsHeader, _gregor_v1_RecordsHeader__Output>
      RecordsTopicPartitions: MessageTypeDefinition<_gregor_v1_RecordsTopicPartitions, _gregor_v1_RecordsTopicPartitions__Output>
      SubscribeAcks: MessageTypeDefinition<_gregor_v1_SubscribeAcks, _gregor_v1_SubscribeAcks__Output>
      SubscribeAssignment: MessageTypeDefinition<_gregor_v1_SubscribeAssignment, _gregor_v1_SubscribeAssignment__Output>
      SubscribeOpen: MessageTypeDefinition<_gregor_v1_SubscribeOpen, _gregor_v1_SubscribeOpen__Output>
      SubscribeRecords: MessageTypeDefinition<_gregor_v1_SubscribeRecords, _gregor_v1_SubscribeRecords__Output>
      SubscribeRequest: MessageTypeDefinition<_gregor_v1_SubscribeRequest, _gregor_v1_SubscribeRequest__Output>
      SubscribeResponse: MessageTypeDefinition<_gregor_v1_SubscribeResponse, _gregor_v1_SubscribeResponse__Output>
      SubscribeStart: EnumTypeDefinition
    }
  }
}

