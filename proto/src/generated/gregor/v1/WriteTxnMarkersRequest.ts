// Original file: gregor/v1/client.proto

import type { WritableTxnMarker as _gregor_v1_WritableTxnMarker, WritableTxnMarker__Output as _gregor_v1_WritableTxnMarker__Output } from '../../gregor/v1/WritableTxnMarker';

export interface WriteTxnMarkersRequest {
  'markers'?: (_gregor_v1_WritableTxnMarker)[];
}

export interface WriteTxnMarkersRequest__Output {
  'markers': (_gregor_v1_WritableTxnMarker__Output)[];
}
