// Original file: gregor/v1/replication.proto


export interface ReplicationError {
  'code'?: (number);
  'name'?: (string);
  'message'?: (string);
  'retriable'?: (boolean);
  'leaderHint'?: (number);
}

export interface ReplicationError__Output {
  'code': (number);
  'name': (string);
  'message': (string);
  'retriable': (boolean);
  'leaderHint': (number);
}
