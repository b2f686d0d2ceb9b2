// Original file: gregor/v1/client.proto


export interface AddPartitionsTopic {
  'name'?: (string);
  'count'?: (number);
}

export interface AddPartitionsTopic__Output {
  'name': (string);
  'count': (number);
}
