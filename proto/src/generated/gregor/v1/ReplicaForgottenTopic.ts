// Original file: gregor/v1/replication.proto


export interface ReplicaForgottenTopic {
  'name'?: (string);
  'partitions'?: (number)[];
}

export interface ReplicaForgottenTopic__Output {
  'name': (string);
  'partitions': (number)[];
}
