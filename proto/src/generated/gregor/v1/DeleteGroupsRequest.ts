// Original file: gregor/v1/client.proto


export interface DeleteGroupsRequest {
  'groups'?: (string)[];
}

export interface DeleteGroupsRequest__Output {
  'groups': (string)[];
}
