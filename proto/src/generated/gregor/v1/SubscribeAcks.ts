// Original file: gregor/v1/records.proto

import type { RecordAck as _gregor_v1_RecordAck, RecordAck__Output as _gregor_v1_RecordAck__Output } from '../../gregor/v1/RecordAck';
import type { RecordAckRange as _gregor_v1_RecordAckRange, RecordAckRange__Output as _gregor_v1_RecordAckRange__Output } from '../../gregor/v1/RecordAckRange';

export interface SubscribeAcks {
  'acks'?: (_gregor_v1_RecordAck)[];
  'ranges'?: (_gregor_v1_RecordAckRange)[];
}

export interface SubscribeAcks__Output {
  'acks': (_gregor_v1_RecordAck__Output)[];
  'ranges': (_gregor_v1_RecordAckRange__Output)[];
}
