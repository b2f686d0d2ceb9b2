// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';

export interface CreatableTopicResult {
  'name'?: (string);
  'error'?: (_gregor_v1_Error | null);
  'topicId'?: (string);
  'numPartitions'?: (number);
  'replicationFactor'?: (number);
  'configs'?: ({[key: string]: string});
}

export interface CreatableTopicResult__Output {
  'name': (string);
  'error': (_gregor_v1_Error__Output | null);
  'topicId': (string);
  'numPartitions': (number);
  'replicationFactor': (number);
  'configs': ({[key: string]: string});
}
