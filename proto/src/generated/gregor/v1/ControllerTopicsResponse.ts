// Original file: gregor/v1/controller.proto

import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from '../../gregor/v1/ControllerError';
import type { ControllerTopicResult as _gregor_v1_ControllerTopicResult, ControllerTopicResult__Output as _gregor_v1_ControllerTopicResult__Output } from '../../gregor/v1/ControllerTopicResult';
import type { Long } from '@grpc/proto-loader';

export interface ControllerTopicsResponse {
  'error'?: (_gregor_v1_ControllerError | null);
  'controllerId'?: (number);
  'controllerAddress'?: (string);
  'topics'?: (_gregor_v1_ControllerTopicResult)[];
  'metadataOffset'?: (number | string | Long);
}

export interface ControllerTopicsResponse__Output {
  'error': (_gregor_v1_ControllerError__Output | null);
  'controllerId': (number);
  'controllerAddress': (string);
  'topics': (_gregor_v1_ControllerTopicResult__Output)[];
  'metadataOffset': (string);
}
