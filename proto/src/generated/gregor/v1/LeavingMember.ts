// Original file: gregor/v1/client.proto


export interface LeavingMember {
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'reason'?: (string);
}

export interface LeavingMember__Output {
  'memberId': (string);
  'groupInstanceId': (string);
  'reason': (string);
}
