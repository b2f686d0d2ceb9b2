// Original file: gregor/v1/controller.proto

import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from '../../gregor/v1/ControllerError';
import type { AlterPartitionResult as _gregor_v1_AlterPartitionResult, AlterPartitionResult__Output as _gregor_v1_AlterPartitionResult__Output } from '../../gregor/v1/AlterPartitionResult';
import type { Long } from '@grpc/proto-loader';

export interface AlterPartitionResponse {
  'error'?: (_gregor_v1_ControllerError | null);
  'controllerId'?: (number);
  'controllerAddress'?: (string);
  'partitions'?: (_gregor_v1_AlterPartitionResult)[];
  'metadataOffset'?: (number | string | Long);
}

export interface AlterPartitionResponse__Output {
  'error': (_gregor_v1_ControllerError__Output | null);
  'controllerId': (number);
  'controllerAddress': (string);
  'partitions': (_gregor_v1_AlterPartitionResult__Output)[];
  'metadataOffset': (string);
}
