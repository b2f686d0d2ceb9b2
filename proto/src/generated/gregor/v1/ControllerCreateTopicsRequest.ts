// Original file: gregor/v1/controller.proto

import type { ControllerNewTopic as _gregor_v1_ControllerNewTopic, ControllerNewTopic__Output as _gregor_v1_ControllerNewTopic__Output } from '../../gregor/v1/ControllerNewTopic';

export interface ControllerCreateTopicsRequest {
  'topics'?: (_gregor_v1_ControllerNewTopic)[];
  'timeoutMs'?: (number);
  'validateOnly'?: (boolean);
}

export interface ControllerCreateTopicsRequest__Output {
  'topics': (_gregor_v1_ControllerNewTopic__Output)[];
  'timeoutMs': (number);
  'validateOnly': (boolean);
}
