// Original file: gregor/v1/controller.proto

import type { RaftEntry as _gregor_v1_RaftEntry, RaftEntry__Output as _gregor_v1_RaftEntry__Output } from '../../gregor/v1/RaftEntry';
import type { RaftSnapshot as _gregor_v1_RaftSnapshot, RaftSnapshot__Output as _gregor_v1_RaftSnapshot__Output } from '../../gregor/v1/RaftSnapshot';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessage {
  'type'?: (string);
  'from'?: (number);
  'to'?: (number);
  'term'?: (number | string | Long);
  'prevLogIndex'?: (number | string | Long);
  'prevLogTerm'?: (number | string | Long);
  'entries'?: (_gregor_v1_RaftEntry)[];
  'commit'?: (number | string | Long);
  'index'?: (number | string | Long);
  'reject'?: (boolean);
  'rejectHint'?: (number | string | Long);
  'hintTerm'?: (number | string | Long);
  'lastLogIndex'?: (number | string | Long);
  'lastLogTerm'?: (number | string | Long);
  'transfer'?: (boolean);
  'snapshot'?: (_gregor_v1_RaftSnapshot | null);
}

export interface RaftMessage__Output {
  'type': (string);
  'from': (number);
  'to': (number);
  'term': (string);
  'prevLogIndex': (string);
  'prevLogTerm': (string);
  'entries': (_gregor_v1_RaftEntry__Output)[];
  'commit': (string);
  'index': (string);
  'reject': (boolean);
  'rejectHint': (string);
  'hintTerm': (string);
  'lastLogIndex': (string);
  'lastLogTerm': (string);
  'transfer': (boolean);
  'snapshot': (_gregor_v1_RaftSnapshot__Output | null);
}
