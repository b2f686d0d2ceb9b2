// Original file: gregor/v1/client.proto

import type { TransactionState as _gregor_v1_TransactionState, TransactionState__Output as _gregor_v1_TransactionState__Output } from '../../gregor/v1/TransactionState';

export interface DescribeTransactionsResponse {
  'transactionStates'?: (_gregor_v1_TransactionState)[];
}

export interface DescribeTransactionsResponse__Output {
  'transactionStates': (_gregor_v1_TransactionState__Output)[];
}
