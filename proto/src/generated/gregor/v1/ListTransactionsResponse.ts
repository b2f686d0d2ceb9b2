// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { ListedTransaction as _gregor_v1_ListedTransaction, ListedTransaction__Output as _gregor_v1_ListedTransaction__Output } from '../../gregor/v1/ListedTransaction';

export interface ListTransactionsResponse {
  'error'?: (_gregor_v1_Error | null);
  'unknownStateFilters'?: (string)[];
  'transactionStates'?: (_gregor_v1_ListedTransaction)[];
}

export interface ListTransactionsResponse__Output {
  'error': (_gregor_v1_Error__Output | null);
  'unknownStateFilters': (string)[];
  'transactionStates': (_gregor_v1_ListedTransaction__Output)[];
}
