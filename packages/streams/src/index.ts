/**
 * @gregor/streams — stream processing over Gregor topics in the spirit of
 * Kafka Streams: a DSL and a processor API, state stores backed by
 * changelog topics, tasks spread over instances by a consumer group, and a
 * TopologyTestDriver for tests without a cluster.
 */
export { Serdes, type Serde } from './serdes';
export type { StreamRecord, KeyValue, Change } from './record';
export type { Processor, ProcessorContext, ProcessorSupplier, PunctuationType, Cancellable, RecordMetadata } from './processor/api';
export { Topology, type SerdePair } from './topology/topology';
export type { TopicNameExtractor, SinkRecordContext, TimestampExtractor, ConsumedRecordInfo } from './topology/nodes';
export { StreamsBuilder, type Consumed, type Materialized, type StreamsBuilderOptions } from './dsl/streams-builder';
export { KStream, BranchedKStream, type Produced, type Repartitioned, type StreamJoined } from './dsl/kstream';
export { KGroupedStream, TimeWindowedKStream, SessionWindowedKStream } from './dsl/kgrouped-stream';
export { KTable, Suppressed } from './dsl/ktable';
export { KGroupedTable } from './dsl/kgrouped-table';
export { GlobalKTable } from './dsl/global-ktable';
export { TimeWindows, JoinWindows, SessionWindows, SlidingWindows, type Window, type Windowed } from './windows';
export { Stores, type StoreOptions, type StoreSpec } from './state/stores';
export type { KeyValueStore } from './state/key-value-store';
export type { WindowStore } from './state/window-store';
export { TopologyTestDriver, type TopologyTestDriverOptions } from './test-driver/topology-test-driver';
export { TestInputTopic, TestOutputTopic } from './test-driver/test-topics';
// Building blocks, exported for tests and tools.
export { InMemoryBytesStore } from './state/in-memory-store';
export { LevelBytesStore } from './state/level-store';
export { CachingStore } from './state/caching-store';
export type { BytesStore } from './state/bytes-store';
export { punctuationDue } from './processor/punctuation';
// The runtime.
export { KafkaStreams, type StreamsState, type StreamsMetrics } from './runtime/kafka-streams';
export type { StreamsConfig } from './runtime/config';
export type { CommitPath } from './runtime/commit-path';
export { planTopics, type InternalTopicSpec, type TopicPlan } from './runtime/internal-topics';
export { streamsTaskAssignor, allTasks, taskPartitions } from './runtime/task-assignor';
export { StreamsMetricsRegistry } from './runtime/metrics';
export { assertApplicationStopped, changelogStoreName, isInternalTopic, resetApplication, type ResetResult } from './runtime/reset';
export { decodeMemberInfo, type MemberInfo } from './runtime/member-info';
export { memberTasks, parseHostInfo, type HostInfo, type KeyQueryMetadata, type StreamsMetadata } from './runtime/streams-metadata';
