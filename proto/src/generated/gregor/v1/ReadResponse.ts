// Original file: gregor/v1/records.proto

import type { ConsumedRecord as _gregor_v1_ConsumedRecord, ConsumedRecord__Output as _gregor_v1_ConsumedRecord__Output } from '../../gregor/v1/ConsumedRecord';
import type { Long } from '@grpc/proto-loader';

export interface ReadResponse {
  'records'?: (_gregor_v1_ConsumedRecord)[];
  'highWatermark'?: (number | string | Long);
  'nextOffset'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'lastStableOffset'?: (number | string | Long);
}

export interface ReadResponse__Output {
  'records': (_gregor_v1_ConsumedRecord__Output)[];
  'highWatermark': (string);
  'nextOffset': (string);
  'logStartOffset': (string);
  'lastStableOffset': (string);
}
