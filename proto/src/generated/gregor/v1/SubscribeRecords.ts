// Original file: gregor/v1/records.proto

import type { ConsumedRecord as _gregor_v1_ConsumedRecord, ConsumedRecord__Output as _gregor_v1_ConsumedRecord__Output } from '../../gregor/v1/ConsumedRecord';

export interface SubscribeRecords {
  'records'?: (_gregor_v1_ConsumedRecord)[];
}

export interface SubscribeRecords__Output {
  'records': (_gregor_v1_ConsumedRecord__Output)[];
}
