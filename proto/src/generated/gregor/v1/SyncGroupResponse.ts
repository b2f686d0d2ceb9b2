// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';

export interface SyncGroupResponse {
  'error'?: (_gregor_v1_Error | null);
  'protocolType'?: (string);
  'protocolName'?: (string);
  'assignment'?: (Buffer | Uint8Array | string);
}

export interface SyncGroupResponse__Output {
  'error': (_gregor_v1_Error__Output | null);
  'protocolType': (string);
  'protocolName': (string);
  'assignment': (Buffer);
}
