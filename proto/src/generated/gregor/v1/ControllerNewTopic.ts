// Original file: gregor/v1/controller.proto


export interface ControllerNewTopic {
  'name'?: (string);
  'numPartitions'?: (number);
  'replicationFactor'?: (number);
  'configs'?: ({[key: string]: string});
}

export interface ControllerNewTopic__Output {
  'name': (string);
  'numPartitions': (number);
  'replicationFactor': (number);
  'configs': ({[key: string]: string});
}
