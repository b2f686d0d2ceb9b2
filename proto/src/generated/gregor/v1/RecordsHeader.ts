// Original file: gregor/v1/records.proto


export interface RecordsHeader {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
}

export interface RecordsHeader__Output {
  'key': (string);
  'value': (Buffer);
}
