// Original file: gregor/v1/controller.proto

import type { BrokerListener as _gregor_v1_BrokerListener, BrokerListener__Output as _gregor_v1_BrokerListener__Output } from '../../gregor/v1/BrokerListener';
import type { Long } from '@grpc/proto-loader';

export interface QuorumBroker {
  'brokerId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'fenced'?: (boolean);
  'listeners'?: (_gregor_v1_BrokerListener)[];
  'metadataOffset'?: (number | string | Long);
  'lastHeartbeatMsAgo'?: (number | string | Long);
  'partitionsLed'?: (number);
}

export interface QuorumBroker__Output {
  'brokerId': (number);
  'brokerEpoch': (string);
  'fenced': (boolean);
  'listeners': (_gregor_v1_BrokerListener__Output)[];
  'metadataOffset': (string);
  'lastHeartbeatMsAgo': (string);
  'partitionsLed': (number);
}
