// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsPartition {
  'partition'?: (number);
  'timestamp'?: (number | string | Long);
}

export interface ListOffsetsPartition__Output {
  'partition': (number);
  'timestamp': (string);
}
