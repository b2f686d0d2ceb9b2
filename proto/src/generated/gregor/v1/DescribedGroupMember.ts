// Original file: gregor/v1/client.proto


export interface DescribedGroupMember {
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'clientId'?: (string);
  'clientHost'?: (string);
  'memberMetadata'?: (Buffer | Uint8Array | string);
  'memberAssignment'?: (Buffer | Uint8Array | string);
}

export interface DescribedGroupMember__Output {
  'memberId': (string);
  'groupInstanceId': (string);
  'clientId': (string);
  'clientHost': (string);
  'memberMetadata': (Buffer);
  'memberAssignment': (Buffer);
}
