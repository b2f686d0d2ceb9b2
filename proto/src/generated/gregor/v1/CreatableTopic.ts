// Original file: gregor/v1/client.proto


export interface CreatableTopic {
  'name'?: (string);
  'numPartitions'?: (number);
  'replicationFactor'?: (number);
  'configs'?: ({[key: string]: string});
}

export interface CreatableTopic__Output {
  'name': (string);
  'numPartitions': (number);
  'replicationFactor': (number);
  'configs': ({[key: string]: string});
}
