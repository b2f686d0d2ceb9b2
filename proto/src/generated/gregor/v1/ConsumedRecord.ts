// Original file: gregor/v1/records.proto

import type { RecordsHeader as _gregor_v1_RecordsHeader, RecordsHeader__Output as _gregor_v1_RecordsHeader__Output } from '../../gregor/v1/RecordsHeader';
import type { Long } from '@grpc/proto-loader';

export interface ConsumedRecord {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  'headers'?: (_gregor_v1_RecordsHeader)[];
  'timestampMs'?: (number | string | Long);
  'deliveryAttempt'?: (number);
  '_key'?: "key";
  '_value'?: "value";
}

export interface ConsumedRecord__Output {
  'topic': (string);
  'partition': (number);
  'offset': (string);
  'key'?: (Buffer);
  'value'?: (Buffer);
  'headers': (_gregor_v1_RecordsHeader__Output)[];
  'timestampMs': (string);
  'deliveryAttempt': (number);
  '_key'?: "key";
  '_value'?: "value";
}
