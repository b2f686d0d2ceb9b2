// Original file: gregor/v1/client.proto

import type { WritableTxnMarkerResult as _gregor_v1_WritableTxnMarkerResult, WritableTxnMarkerResult__Output as _gregor_v1_WritableTxnMarkerResult__Output } from '../../gregor/v1/WritableTxnMarkerResult';

export interface WriteTxnMarkersResponse {
  'markers'?: (_gregor_v1_WritableTxnMarkerResult)[];
}

export interface WriteTxnMarkersResponse__Output {
  'markers': (_gregor_v1_WritableTxnMarkerResult__Output)[];
}
