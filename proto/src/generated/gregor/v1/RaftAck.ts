// Original file: gregor/v1/controller.proto

import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from '../../gregor/v1/ControllerError';

export interface RaftAck {
  'error'?: (_gregor_v1_ControllerError | null);
}

export interface RaftAck__Output {
  'error': (_gregor_v1_ControllerError__Output | null);
}
