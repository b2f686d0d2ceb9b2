// Original file: gregor/v1/records.proto

export const PublishAcks = {
  PUBLISH_ACKS_ALL: 'PUBLISH_ACKS_ALL',
  PUBLISH_ACKS_LEADER: 'PUBLISH_ACKS_LEADER',
} as const;

export type PublishAcks =
  | 'PUBLISH_ACKS_ALL'
  | 0
  | 'PUBLISH_ACKS_LEADER'
  | 1

export type PublishAcks__Output = typeof PublishAcks[keyof typeof PublishAcks]
