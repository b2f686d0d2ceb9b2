// Original file: gregor/v1/client.proto


export interface Broker {
  'nodeId'?: (number);
  'host'?: (string);
  'port'?: (number);
  'rack'?: (string);
}

export interface Broker__Output {
  'nodeId': (number);
  'host': (string);
  'port': (number);
  'rack': (string);
}
