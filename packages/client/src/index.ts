/**
 * @gregor/client — the TypeScript SDK: Producer, Consumer and Admin over
 * Gregor's gRPC client API. Errors are GregorError from @gregor/common.
 */
export { Gregor, createClient } from './client';
export type { ClientOptions, InProcessBroker, RetryPolicy } from './options';
export { Producer } from './producer/producer';
export { COMPRESSIONS, type ProducerOptions, type ResolvedProducerOptions, type SentPartition } from './producer/options';
export type { ConsumerGroupMetadata, TransactionOffset, TransactionState } from './producer/transaction-manager';
export { Consumer, type PollOptions } from './consumer/consumer';
export type { ReadPartitionRequest, ReadPartitionResult } from './consumer/read-partition';
export type { GroupSubscription, OffsetAndMetadata, RebalanceListener } from './consumer/group/consumer-group';
export type { ConsumerOptions, IsolationLevel, ResolvedConsumerOptions } from './consumer/options';
export { recordsFromFetch, type AbortedTxn } from './consumer/records';
export { RecordsSubscription, type SubscribedRecord } from './subscribe/subscription';
export type { SubscribeOptions } from './subscribe/options';
export { Admin } from './admin/admin';
export type { AbortTransactionSpec, ProducerStateDescription, TransactionDescription, TransactionListing } from './admin/transactions';
export { ProtocolGroupMember, type GroupMemberOptions, type GroupProtocol, type JoinedCustomGeneration } from './group/protocol-member';
export type * from './admin/types';
export type * from './admin/group-types';
export type { BrokerInfo, ClusterMetadata, PartitionInfo, TopicInfo } from './metadata';
export type * from './types';
export { murmur2, toPositive } from './murmur2';
export { StickyPartitioner, partitionForKey } from './partitioner';
export { isRetriableError, needsMetadataRefresh } from './errors';
export { parseBootstrap } from './wire';
// Pure building blocks, exported for tests and tools.
export { RecordAccumulator, ProducerBatch, type PendingRecord, type ReadyResult } from './producer/accumulator';
export { estimateRecordSize } from './producer/record-size';
// Consumer groups: assignors and Kafka's consumer protocol bytes.
export { cooperativeStickyAssignor, rangeAssignor, roundRobinAssignor, compareMembers, type GroupMember, type PartitionAssignor, type PartitionCounts, type RebalanceProtocol } from './group/assignors';
export { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, type MemberAssignment, type Subscription } from './group/consumer-protocol';
export { GregorError, isGregorError, type ErrorName } from '@gregor/common';
export type { ClusterBrokerDescription, ClusterDescription, QuorumDescription, QuorumVoterDescription } from './admin/cluster-description';
