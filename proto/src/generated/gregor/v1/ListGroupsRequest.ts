// Original file: gregor/v1/client.proto


export interface ListGroupsRequest {
  'statesFilter'?: (string)[];
}

export interface ListGroupsRequest__Output {
  'statesFilter': (string)[];
}
