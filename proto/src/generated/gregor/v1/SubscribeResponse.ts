// Original file: gregor/v1/records.proto

import type { SubscribeRecords as _gregor_v1_SubscribeRecords, SubscribeRecords__Output as _gregor_v1_SubscribeRecords__Output } from '../../gregor/v1/SubscribeRecords';
import type { SubscribeAssignment as _gregor_v1_SubscribeAssignment, SubscribeAssignment__Output as _gregor_v1_SubscribeAssignment__Output } from '../../gregor/v1/SubscribeAssignment';

export interface SubscribeResponse {
  'records'?: (_gregor_v1_SubscribeRecords | null);
  'assignment'?: (_gregor_v1_SubscribeAssignment | null);
  'kind'?: "records"|"assignment";
}

export interface SubscribeResponse__Output {
  'records'?: (_gregor_v1_SubscribeRecords__Output | null);
  'assignment'?: (_gregor_v1_SubscribeAssignment__Output | null);
  'kind'?: "records"|"assignment";
}
