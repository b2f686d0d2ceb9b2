// Original file: gregor/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftSnapshot {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'voters'?: (number)[];
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftSnapshot__Output {
  'index': (string);
  'term': (string);
  'voters': (number)[];
  'data': (Buffer);
}
