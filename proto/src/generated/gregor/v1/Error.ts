// Original file: gregor/v1/client.proto


export interface Error {
  'code'?: (number);
  'name'?: (string);
  'message'?: (string);
  'retriable'?: (boolean);
}

export interface Error__Output {
  'code': (number);
  'name': (string);
  'message': (string);
  'retriable': (boolean);
}
