// Original file: gregor/v1/controller.proto


export interface BrokerListener {
  'name'?: (string);
  'host'?: (string);
  'port'?: (number);
}

export interface BrokerListener__Output {
  'name': (string);
  'host': (string);
  'port': (number);
}
