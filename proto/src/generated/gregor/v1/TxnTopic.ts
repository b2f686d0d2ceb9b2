// Original file: gregor/v1/client.proto


export interface TxnTopic {
  'name'?: (string);
  'partitions'?: (number)[];
}

export interface TxnTopic__Output {
  'name': (string);
  'partitions': (number)[];
}
