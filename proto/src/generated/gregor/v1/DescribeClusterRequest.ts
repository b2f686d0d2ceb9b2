// Original file: gregor/v1/admin.proto


export interface DescribeClusterRequest {
  'timeoutMs'?: (number);
}

export interface DescribeClusterRequest__Output {
  'timeoutMs': (number);
}
