// Original file: gregor/v1/admin.proto


export interface AdminError {
  'code'?: (number);
  'name'?: (string);
  'message'?: (string);
  'retriable'?: (boolean);
}

export interface AdminError__Output {
  'code': (number);
  'name': (string);
  'message': (string);
  'retriable': (boolean);
}
