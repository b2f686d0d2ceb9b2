// Original file: gregor/v1/client.proto

import type { ProduceTopic as _gregor_v1_ProduceTopic, ProduceTopic__Output as _gregor_v1_ProduceTopic__Output } from '../../gregor/v1/ProduceTopic';

export interface ProduceRequest {
  'acks'?: (number);
  'timeoutMs'?: (number);
  'topics'?: (_gregor_v1_ProduceTopic)[];
  'transactionalId'?: (string);
}

export interface ProduceRequest__Output {
  'acks': (number);
  'timeoutMs': (number);
  'topics': (_gregor_v1_ProduceTopic__Output)[];
  'transactionalId': (string);
}
