// Original file: gregor/v1/client.proto


export interface DeleteTopicsRequest {
  'topicNames'?: (string)[];
  'timeoutMs'?: (number);
}

export interface DeleteTopicsRequest__Output {
  'topicNames': (string)[];
  'timeoutMs': (number);
}
