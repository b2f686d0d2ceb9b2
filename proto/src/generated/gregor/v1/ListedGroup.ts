// Original file: gregor/v1/client.proto


export interface ListedGroup {
  'groupId'?: (string);
  'protocolType'?: (string);
  'groupState'?: (string);
}

export interface ListedGroup__Output {
  'groupId': (string);
  'protocolType': (string);
  'groupState': (string);
}
