// Original file: gregor/v1/client.proto


export interface JoinGroupProtocol {
  'name'?: (string);
  'metadata'?: (Buffer | Uint8Array | string);
}

export interface JoinGroupProtocol__Output {
  'name': (string);
  'metadata': (Buffer);
}
