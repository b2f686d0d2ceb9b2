// Original file: gregor/v1/client.proto


export interface JoinGroupMember {
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'metadata'?: (Buffer | Uint8Array | string);
}

export interface JoinGroupMember__Output {
  'memberId': (string);
  'groupInstanceId': (string);
  'metadata': (Buffer);
}
