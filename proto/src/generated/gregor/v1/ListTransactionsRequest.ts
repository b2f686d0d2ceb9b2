// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface ListTransactionsRequest {
  'stateFilters'?: (string)[];
  'producerIdFilters'?: (number | string | Long)[];
  'durationFilterMs'?: (number | string | Long);
  '_durationFilterMs'?: "durationFilterMs";
}

export interface ListTransactionsRequest__Output {
  'stateFilters': (string)[];
  'producerIdFilters': (string)[];
  'durationFilterMs'?: (string);
  '_durationFilterMs'?: "durationFilterMs";
}
