// Original file: gregor/v1/controller.proto


export interface ControllerDeleteTopicsRequest {
  'names'?: (string)[];
  'timeoutMs'?: (number);
}

export interface ControllerDeleteTopicsRequest__Output {
  'names': (string)[];
  'timeoutMs': (number);
}
