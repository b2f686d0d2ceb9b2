// Original file: gregor/v1/controller.proto


export interface AlterPartitionItem {
  'topic'?: (string);
  'partition'?: (number);
  'leaderEpoch'?: (number);
  'partitionEpoch'?: (number);
  'newIsr'?: (number)[];
}

export interface AlterPartitionItem__Output {
  'topic': (string);
  'partition': (number);
  'leaderEpoch': (number);
  'partitionEpoch': (number);
  'newIsr': (number)[];
}
