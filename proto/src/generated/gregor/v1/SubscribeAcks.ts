// Original file: gregor/v1/records.proto

import type { RecordAck as _gregor_v1_RecordAck, RecordAck__Output as _gregor_v1_RecordAck__Output } from '../../gregor/v1/RecordAck';

export interface SubscribeAcks {
  'acks'?: (_gregor_v1_RecordAck)[];
}

export interface SubscribeAcks__Output {
  'acks': (_gregor_v1_RecordAck__Output)[];
}
