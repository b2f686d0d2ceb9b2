// Original file: gregor/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftEntry {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'noop'?: (boolean);
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftEntry__Output {
  'index': (string);
  'term': (string);
  'noop': (boolean);
  'data': (Buffer);
}
