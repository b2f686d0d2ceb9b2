// Original file: gregor/v1/records.proto


export interface RecordsTopicPartitions {
  'topic'?: (string);
  'partitions'?: (number)[];
}

export interface RecordsTopicPartitions__Output {
  'topic': (string);
  'partitions': (number)[];
}
