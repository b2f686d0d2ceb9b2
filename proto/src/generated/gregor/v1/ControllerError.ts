// Original file: gregor/v1/controller.proto


export interface ControllerError {
  'code'?: (number);
  'name'?: (string);
  'message'?: (string);
  'retriable'?: (boolean);
  'leaderHint'?: (number);
}

export interface ControllerError__Output {
  'code': (number);
  'name': (string);
  'message': (string);
  'retriable': (boolean);
  'leaderHint': (number);
}
