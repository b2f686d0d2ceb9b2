// Original file: gregor/v1/client.proto

import type { Broker as _gregor_v1_Broker, Broker__Output as _gregor_v1_Broker__Output } from '../../gregor/v1/Broker';
import type { TopicMetadata as _gregor_v1_TopicMetadata, TopicMetadata__Output as _gregor_v1_TopicMetadata__Output } from '../../gregor/v1/TopicMetadata';

export interface MetadataResponse {
  'brokers'?: (_gregor_v1_Broker)[];
  'clusterId'?: (string);
  'controllerId'?: (number);
  'topics'?: (_gregor_v1_TopicMetadata)[];
}

export interface MetadataResponse__Output {
  'brokers': (_gregor_v1_Broker__Output)[];
  'clusterId': (string);
  'controllerId': (number);
  'topics': (_gregor_v1_TopicMetadata__Output)[];
}
