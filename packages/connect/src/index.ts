/**
 * @gregor/connect — a Kafka Connect-compatible runtime: the connector API,
 * converters, the worker with Kafka Connect's REST API, and connectors.
 */
export * from './api/schema';
export * from './api/errors';
export * from './api/config-def';
export * from './api/connector';
export type { Converter, ConverterPlugin } from './converters/converter';
export { JsonConverter, stringifyJson, parseJson } from './converters/json';
export { StringConverter, ByteArrayConverter } from './converters/simple';
export { CONVERTER_PLUGINS, converterFor, findConverter } from './converters/registry';
export { COMMON_CONNECTOR_CONFIG, SINK_CONNECTOR_CONFIG, findPlugin, validateConnectorConfig, invalidConfigMessage, type ConfigInfos } from './runtime/connector-config';
export { FileOffsetStore, MemoryOffsetStore, canonicalJson, offsetKey, type OffsetStore } from './runtime/offset-store';
export { failuresAfter, restartDelayMs, type RestartPolicy, type RestartHistory } from './runtime/restart-policy';
export { WORKER_CONFIG, parseWorkerConfig, type WorkerSettings } from './runtime/worker-config';
export { Worker, type ConnectorInfo } from './runtime/worker';
export { HerderError } from './runtime/herder-error';
export type * from './runtime/status';
export { startStandalone, readConnectorFile, type StandaloneWorker } from './runtime/standalone';
export { startDistributed, TopicOffsetStore, type DistributedWorker } from './runtime/distributed';
export { checkSignature, newSessionKey, sessionKeyDue, signatureHeaders, SIGNATURE_HEADER, SIGNATURE_ALGORITHM_HEADER, type SessionKey, type InterWorkerSettings } from './runtime/session-key';
export { configKeys, decodeConfigRecord, decodeStatus, encodeConnectorConfig, encodeSessionKey, encodeStatus, encodeTargetState, encodeTaskCommit, encodeTaskConfig, type ConfigRecord } from './runtime/internal-records';
export { assignRoundRobin, type ConnectAssignment } from './runtime/connect-assignment';
export { parseDistributedConfig, type DistributedSettings } from './runtime/worker-config';
export { RestServer, RestError } from './rest/server';
export { connectRoutes, CONNECT_API_VERSION } from './rest/routes';
export { BUILTIN_CONNECTORS } from './connectors';
export { FileStreamSourceConnector, FileStreamSourceTask } from './connectors/file/file-stream-source';
export { FileStreamSinkConnector, FileStreamSinkTask } from './connectors/file/file-stream-sink';
export { splitLines } from './connectors/file/lines';
export { HttpSinkConnector, HttpSinkTask, HttpDeliveryError } from './connectors/http/http-sink';
export { PostgresCdcSourceConnector, PostgresCdcSourceTask } from './connectors/postgres/pg-cdc-source';
export { PostgresSinkConnector, PostgresSinkTask } from './connectors/postgres/pg-sink';
export { planWrites, type RowWrite, type TablePlan } from './connectors/postgres/pg-sink-plan';
export { changeRecords, envelopeSchema, type Change, type TableShape } from './connectors/postgres/cdc-envelope';
export { fromPgText, parseLsn, formatLsn } from './connectors/postgres/pg-values';
export { CdcResumeFilter, type ResumePoint } from './connectors/postgres/cdc-resume';
export { buildTransformChain, validateTransforms, type TransformChain } from './transforms/chain';
export { BUILTIN_TRANSFORMS, BUILTIN_PREDICATES, castValue, formatTimestamp } from './transforms/builtin';
export type { Transform, Predicate, TransformPlugin, TransformableRecord } from './transforms/transform';
export { SourceTaskRunner } from './runtime/source-task-runner';
export { SinkTaskRunner } from './runtime/sink-task-runner';
export type { TaskDeps } from './runtime/task-runner';
