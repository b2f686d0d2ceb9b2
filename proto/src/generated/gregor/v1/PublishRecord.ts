// Original file: gregor/v1/records.proto

import type { RecordsHeader as _gregor_v1_RecordsHeader, RecordsHeader__Output as _gregor_v1_RecordsHeader__Output } from '../../gregor/v1/RecordsHeader';
import type { Long } from '@grpc/proto-loader';

export interface PublishRecord {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  'headers'?: (_gregor_v1_RecordsHeader)[];
  'partition'?: (number);
  'timestampMs'?: (number | string | Long);
  '_key'?: "key";
  '_value'?: "value";
  '_partition'?: "partition";
  '_timestampMs'?: "timestampMs";
}

export interface PublishRecord__Output {
  'key'?: (Buffer);
  'value'?: (Buffer);
  'headers': (_gregor_v1_RecordsHeader__Output)[];
  'partition'?: (number);
  'timestampMs'?: (string);
  '_key'?: "key";
  '_value'?: "value";
  '_partition'?: "partition";
  '_timestampMs'?: "timestampMs";
}
