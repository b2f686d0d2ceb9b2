// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { AbortedTransaction as _gregor_v1_AbortedTransaction, AbortedTransaction__Output as _gregor_v1_AbortedTransaction__Output } from '../../gregor/v1/AbortedTransaction';
import type { Long } from '@grpc/proto-loader';

export interface FetchPartitionResult {
  'partition'?: (number);
  'error'?: (_gregor_v1_Error | null);
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'lastStableOffset'?: (number | string | Long);
  'records'?: (Buffer | Uint8Array | string);
  'abortedTransactions'?: (_gregor_v1_AbortedTransaction)[];
}

export interface FetchPartitionResult__Output {
  'partition': (number);
  'error': (_gregor_v1_Error__Output | null);
  'highWatermark': (string);
  'logStartOffset': (string);
  'lastStableOffset': (string);
  'records': (Buffer);
  'abortedTransactions': (_gregor_v1_AbortedTransaction__Output)[];
}
