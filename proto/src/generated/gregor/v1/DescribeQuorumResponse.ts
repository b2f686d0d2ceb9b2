// Original file: gregor/v1/controller.proto

import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from '../../gregor/v1/ControllerError';
import type { QuorumVoter as _gregor_v1_QuorumVoter, QuorumVoter__Output as _gregor_v1_QuorumVoter__Output } from '../../gregor/v1/QuorumVoter';
import type { QuorumBroker as _gregor_v1_QuorumBroker, QuorumBroker__Output as _gregor_v1_QuorumBroker__Output } from '../../gregor/v1/QuorumBroker';
import type { Long } from '@grpc/proto-loader';

export interface DescribeQuorumResponse {
  'error'?: (_gregor_v1_ControllerError | null);
  'nodeId'?: (number);
  'leaderId'?: (number);
  'term'?: (number | string | Long);
  'commitIndex'?: (number | string | Long);
  'appliedOffset'?: (number | string | Long);
  'voters'?: (_gregor_v1_QuorumVoter)[];
  'brokers'?: (_gregor_v1_QuorumBroker)[];
  'role'?: (string);
  'controllerId'?: (number);
  'controllerAddress'?: (string);
}

export interface DescribeQuorumResponse__Output {
  'error': (_gregor_v1_ControllerError__Output | null);
  'nodeId': (number);
  'leaderId': (number);
  'term': (string);
  'commitIndex': (string);
  'appliedOffset': (string);
  'voters': (_gregor_v1_QuorumVoter__Output)[];
  'brokers': (_gregor_v1_QuorumBroker__Output)[];
  'role': (string);
  'controllerId': (number);
  'controllerAddress': (string);
}
