// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';

export interface TxnPartitionResult {
  'partition'?: (number);
  'error'?: (_gregor_v1_Error | null);
}

export interface TxnPartitionResult__Output {
  'partition': (number);
  'error': (_gregor_v1_Error__Output | null);
}
