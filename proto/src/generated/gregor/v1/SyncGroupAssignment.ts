// Original file: gregor/v1/client.proto


export interface SyncGroupAssignment {
  'memberId'?: (string);
  'assignment'?: (Buffer | Uint8Array | string);
}

export interface SyncGroupAssignment__Output {
  'memberId': (string);
  'assignment': (Buffer);
}
