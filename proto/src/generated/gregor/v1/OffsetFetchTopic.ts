// Original file: gregor/v1/client.proto


export interface OffsetFetchTopic {
  'name'?: (string);
  'partitions'?: (number)[];
}

export interface OffsetFetchTopic__Output {
  'name': (string);
  'partitions': (number)[];
}
