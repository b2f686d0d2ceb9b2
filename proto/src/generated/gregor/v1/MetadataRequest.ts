// Original file: gregor/v1/client.proto


export interface MetadataRequest {
  'topics'?: (string)[];
  'allowAutoTopicCreation'?: (boolean);
}

export interface MetadataRequest__Output {
  'topics': (string)[];
  'allowAutoTopicCreation': (boolean);
}
