// Original file: gregor/v1/records.proto

export const SubscribeStart = {
  SUBSCRIBE_START_LATEST: 'SUBSCRIBE_START_LATEST',
  SUBSCRIBE_START_EARLIEST: 'SUBSCRIBE_START_EARLIEST',
  SUBSCRIBE_START_TIMESTAMP: 'SUBSCRIBE_START_TIMESTAMP',
} as const;

export type SubscribeStart =
  | 'SUBSCRIBE_START_LATEST'
  | 0
  | 'SUBSCRIBE_START_EARLIEST'
  | 1
  | 'SUBSCRIBE_START_TIMESTAMP'
  | 2

export type SubscribeStart__Output = typeof SubscribeStart[keyof typeof SubscribeStart]
