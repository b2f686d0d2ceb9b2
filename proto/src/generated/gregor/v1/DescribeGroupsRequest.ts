// Original file: gregor/v1/client.proto


export interface DescribeGroupsRequest {
  'groups'?: (string)[];
}

export interface DescribeGroupsRequest__Output {
  'groups': (string)[];
}
