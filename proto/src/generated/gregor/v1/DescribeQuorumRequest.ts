// Original file: gregor/v1/controller.proto


export interface DescribeQuorumRequest {
  'activeOnly'?: (boolean);
}

export interface DescribeQuorumRequest__Output {
  'activeOnly': (boolean);
}
