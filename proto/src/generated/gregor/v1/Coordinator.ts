// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';

export interface Coordinator {
  'key'?: (string);
  'error'?: (_gregor_v1_Error | null);
  'nodeId'?: (number);
  'host'?: (string);
  'port'?: (number);
}

export interface Coordinator__Output {
  'key': (string);
  'error': (_gregor_v1_Error__Output | null);
  'nodeId': (number);
  'host': (string);
  'port': (number);
}
