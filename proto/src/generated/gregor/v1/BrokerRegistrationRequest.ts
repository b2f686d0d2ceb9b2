// Original file: gregor/v1/controller.proto

import type { BrokerListener as _gregor_v1_BrokerListener, BrokerListener__Output as _gregor_v1_BrokerListener__Output } from '../../gregor/v1/BrokerListener';

export interface BrokerRegistrationRequest {
  'brokerId'?: (number);
  'incarnationId'?: (string);
  'listeners'?: (_gregor_v1_BrokerListener)[];
  'rack'?: (string);
  'clusterId'?: (string);
  'timeoutMs'?: (number);
}

export interface BrokerRegistrationRequest__Output {
  'brokerId': (number);
  'incarnationId': (string);
  'listeners': (_gregor_v1_BrokerListener__Output)[];
  'rack': (string);
  'clusterId': (string);
  'timeoutMs': (number);
}
