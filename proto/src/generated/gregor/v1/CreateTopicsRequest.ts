// Original file: gregor/v1/client.proto

import type { CreatableTopic as _gregor_v1_CreatableTopic, CreatableTopic__Output as _gregor_v1_CreatableTopic__Output } from '../../gregor/v1/CreatableTopic';

export interface CreateTopicsRequest {
  'topics'?: (_gregor_v1_CreatableTopic)[];
  'timeoutMs'?: (number);
  'validateOnly'?: (boolean);
}

export interface CreateTopicsRequest__Output {
  'topics': (_gregor_v1_CreatableTopic__Output)[];
  'timeoutMs': (number);
  'validateOnly': (boolean);
}
