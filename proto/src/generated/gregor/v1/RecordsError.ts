// Original file: gregor/v1/records.proto


export interface RecordsError {
  'code'?: (number);
  'name'?: (string);
  'message'?: (string);
  'retriable'?: (boolean);
}

export interface RecordsError__Output {
  'code': (number);
  'name': (string);
  'message': (string);
  'retriable': (boolean);
}
