// Original file: gregor/v1/client.proto


export interface ConfigEntry {
  'name'?: (string);
  'value'?: (string);
  'readOnly'?: (boolean);
  'isDefault'?: (boolean);
}

export interface ConfigEntry__Output {
  'name': (string);
  'value': (string);
  'readOnly': (boolean);
  'isDefault': (boolean);
}
