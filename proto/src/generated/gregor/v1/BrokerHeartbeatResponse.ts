// Original file: gregor/v1/controller.proto

import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from '../../gregor/v1/ControllerError';
import type { Long } from '@grpc/proto-loader';

export interface BrokerHeartbeatResponse {
  'error'?: (_gregor_v1_ControllerError | null);
  'controllerId'?: (number);
  'controllerAddress'?: (string);
  'isCaughtUp'?: (boolean);
  'isFenced'?: (boolean);
  'shouldShutdown'?: (boolean);
  'metadataOffset'?: (number | string | Long);
}

export interface BrokerHeartbeatResponse__Output {
  'error': (_gregor_v1_ControllerError__Output | null);
  'controllerId': (number);
  'controllerAddress': (string);
  'isCaughtUp': (boolean);
  'isFenced': (boolean);
  'shouldShutdown': (boolean);
  'metadataOffset': (string);
}
