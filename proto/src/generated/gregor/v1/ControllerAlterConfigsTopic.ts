// Original file: gregor/v1/controller.proto


export interface ControllerAlterConfigsTopic {
  'name'?: (string);
  'set'?: ({[key: string]: string});
  'remove'?: (string)[];
  'replace'?: (boolean);
}

export interface ControllerAlterConfigsTopic__Output {
  'name': (string);
  'set': ({[key: string]: string});
  'remove': (string)[];
  'replace': (boolean);
}
