// Original file: gregor/v1/client.proto


export interface DescribeTransactionsRequest {
  'transactionalIds'?: (string)[];
}

export interface DescribeTransactionsRequest__Output {
  'transactionalIds': (string)[];
}
