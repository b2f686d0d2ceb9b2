// Original file: gregor/v1/client.proto

export const ResourceType = {
  RESOURCE_TYPE_UNKNOWN: 'RESOURCE_TYPE_UNKNOWN',
  RESOURCE_TYPE_TOPIC: 'RESOURCE_TYPE_TOPIC',
  RESOURCE_TYPE_BROKER: 'RESOURCE_TYPE_BROKER',
} as const;

export type ResourceType =
  | 'RESOURCE_TYPE_UNKNOWN'
  | 0
  | 'RESOURCE_TYPE_TOPIC'
  | 2
  | 'RESOURCE_TYPE_BROKER'
  | 4

export type ResourceType__Output = typeof ResourceType[keyof typeof ResourceType]
