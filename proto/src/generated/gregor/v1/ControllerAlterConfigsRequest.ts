// Original file: gregor/v1/controller.proto

import type { ControllerAlterConfigsTopic as _gregor_v1_ControllerAlterConfigsTopic, ControllerAlterConfigsTopic__Output as _gregor_v1_ControllerAlterConfigsTopic__Output } from '../../gregor/v1/ControllerAlterConfigsTopic';

export interface ControllerAlterConfigsRequest {
  'topics'?: (_gregor_v1_ControllerAlterConfigsTopic)[];
  'timeoutMs'?: (number);
  'validateOnly'?: (boolean);
}

export interface ControllerAlterConfigsRequest__Output {
  'topics': (_gregor_v1_ControllerAlterConfigsTopic__Output)[];
  'timeoutMs': (number);
  'validateOnly': (boolean);
}
