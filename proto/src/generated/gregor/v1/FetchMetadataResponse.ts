// Original file: gregor/v1/controller.proto

import type { ControllerError as _gregor_v1_ControllerError, ControllerError__Output as _gregor_v1_ControllerError__Output } from '../../gregor/v1/ControllerError';
import type { MetadataEntry as _gregor_v1_MetadataEntry, MetadataEntry__Output as _gregor_v1_MetadataEntry__Output } from '../../gregor/v1/MetadataEntry';
import type { Long } from '@grpc/proto-loader';

export interface FetchMetadataResponse {
  'error'?: (_gregor_v1_ControllerError | null);
  'snapshot'?: (Buffer | Uint8Array | string);
  'snapshotOffset'?: (number | string | Long);
  'entries'?: (_gregor_v1_MetadataEntry)[];
  'commitIndex'?: (number | string | Long);
}

export interface FetchMetadataResponse__Output {
  'error': (_gregor_v1_ControllerError__Output | null);
  'snapshot': (Buffer);
  'snapshotOffset': (string);
  'entries': (_gregor_v1_MetadataEntry__Output)[];
  'commitIndex': (string);
}
