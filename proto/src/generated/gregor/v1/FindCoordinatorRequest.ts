// Original file: gregor/v1/client.proto


export interface FindCoordinatorRequest {
  'keyType'?: (number);
  'keys'?: (string)[];
}

export interface FindCoordinatorRequest__Output {
  'keyType': (number);
  'keys': (string)[];
}
