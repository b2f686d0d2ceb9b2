// Original file: gregor/v1/controller.proto

import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from '../../gregor/v1/ControllerError';

export interface AlterPartitionResult {
  'topic'?: (string);
  'partition'?: (number);
  'error'?: (_gregor_v1_ControllerError | null);
  'leader'?: (number);
  'leaderEpoch'?: (number);
  'partitionEpoch'?: (number);
  'isr'?: (number)[];
}

export interface AlterPartitionResult__Output {
  'topic': (string);
  'partition': (number);
  'error': (_gregor_v1_ControllerError__Output | null);
  'leader': (number);
  'leaderEpoch': (number);
  'partitionEpoch': (number);
  'isr': (number)[];
}
