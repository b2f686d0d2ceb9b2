// Original file: gregor/v1/client.proto

import type { TxnOffsetCommitTopic as _gregor_v1_TxnOffsetCommitTopic, TxnOffsetCommitTopic__Output as _gregor_v1_TxnOffsetCommitTopic__Output } from '../../gregor/v1/TxnOffsetCommitTopic';
import type { Long } from '@grpc/proto-loader';

export interface TxnOffsetCommitRequest {
  'transactionalId'?: (string);
  'groupId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'generationId'?: (number);
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'topics'?: (_gregor_v1_TxnOffsetCommitTopic)[];
}

export interface TxnOffsetCommitRequest__Output {
  'transactionalId': (string);
  'groupId': (string);
  'producerId': (string);
  'producerEpoch': (number);
  'generationId': (number);
  'memberId': (string);
  'groupInstanceId': (string);
  'topics': (_gregor_v1_TxnOffsetCommitTopic__Output)[];
}
