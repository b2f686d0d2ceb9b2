/**
 * @gregor/records-service — gregor.v1.Records (proto/gregor/v1/records.proto)
 * on every node: record-level Publish and Read for services in any language,
 * over the SDK run in-process.
 */
export { RecordsService, type RecordsGrpcService, type RecordsServiceOptions } from './records-service';
export { ERROR_CODE_KEY, ERROR_NAME_KEY, grpcStatusFor, toServiceError } from './grpc-status';
export { checkPartitions, decodePublish, encodePublishResults, int64Out, type PublishAcks, type PublishCall } from './publish';
export { DEFAULT_READ_LIMITS, decodeRead, encodeRead, encodeRecord, type ReadLimits } from './read';
export { ByteBudget } from './byte-budget';
export { DEFAULT_SUBSCRIBE_LIMITS, decodeSubscribeOpen, type SubscribeLimits, type SubscribeSettings, type SubscribeStartAt } from './subscribe-open';
export { OutstandingWindow, type CommitOffset, type OutstandingLimits } from './subscribe-outstanding';
export { DEFAULT_SUBSCRIBE_CONSUMER, recordBytes, type SubscribeConsumerSettings } from './subscribe-session';
