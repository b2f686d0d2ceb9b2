// Original file: gregor/v1/controller.proto


export interface CreatePartitionsTopic {
  'name'?: (string);
  'count'?: (number);
}

export interface CreatePartitionsTopic__Output {
  'name': (string);
  'count': (number);
}
