// Original file: gregor/v1/client.proto


export interface ProducePartition {
  'partition'?: (number);
  'records'?: (Buffer | Uint8Array | string);
}

export interface ProducePartition__Output {
  'partition': (number);
  'records': (Buffer);
}
