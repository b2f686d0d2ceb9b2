// Original file: gregor/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchMetadataRequest {
  'fromOffset'?: (number | string | Long);
  'maxBytes'?: (number);
}

export interface FetchMetadataRequest__Output {
  'fromOffset': (string);
  'maxBytes': (number);
}
