// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteRecordsPartition {
  'partition'?: (number);
  'offset'?: (number | string | Long);
}

export interface DeleteRecordsPartition__Output {
  'partition': (number);
  'offset': (string);
}
