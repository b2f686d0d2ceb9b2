// Original file: gregor/v1/records.proto

import type { PublishRecord as _gregor_v1_PublishRecord, PublishRecord__Output as _gregor_v1_PublishRecord__Output } from '../../gregor/v1/PublishRecord';
import type { PublishAcks as _gregor_v1_PublishAcks, PublishAcks__Output as _gregor_v1_PublishAcks__Output } from '../../gregor/v1/PublishAcks';

export interface PublishRequest {
  'topic'?: (string);
  'records'?: (_gregor_v1_PublishRecord)[];
  'acks'?: (_gregor_v1_PublishAcks);
}

export interface PublishRequest__Output {
  'topic': (string);
  'records': (_gregor_v1_PublishRecord__Output)[];
  'acks': (_gregor_v1_PublishAcks__Output);
}
