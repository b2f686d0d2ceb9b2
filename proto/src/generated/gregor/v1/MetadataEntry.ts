// Original file: gregor/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface MetadataEntry {
  'offset'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
}

export interface MetadataEntry__Output {
  'offset': (string);
  'data': (Buffer);
}
