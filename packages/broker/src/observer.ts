/**
 * Hooks the broker calls so that the node can keep metrics without the
 * broker depending on a metrics library. All methods must be cheap and must
 * not throw: they run on the request path.
 */
export type ApiName =
  | 'Produce'
  | 'Fetch'
  | 'ListOffsets'
  | 'Metadata'
  | 'CreateTopics'
  | 'DeleteTopics'
  | 'CreatePartitions'
  | 'DeleteRecords'
  | 'DescribeConfigs'
  | 'AlterConfigs'
  | 'InitProducerId'
  | 'FindCoordinator'
  | 'JoinGroup'
  | 'SyncGroup'
  | 'Heartbeat'
  | 'LeaveGroup'
  | 'OffsetCommit'
  | 'OffsetFetch'
  | 'DescribeGroups'
  | 'ListGroups'
  | 'DeleteGroups'
  | 'FetchFromLeader'
  | 'OffsetsForLeaderEpoch'
  | 'DescribeCluster'
  | 'AddPartitionsToTxn'
  | 'AddOffsetsToTxn'
  | 'TxnOffsetCommit'
  | 'EndTxn'
  | 'WriteTxnMarkers'
  | 'DescribeTransactions'
  | 'ListTransactions'
  | 'DescribeProducers'
  /** Answered by the Kafka front end itself (no domain call). */
  | 'ApiVersions';

export interface BrokerObserver {
  /** `errorName` is the first per-item error of the response, or NONE. */
  requestCompleted(api: ApiName, errorName: string, durationMs: number): void;
  bytesIn(topic: string, bytes: number, records: number): void;
  bytesOut(topic: string, bytes: number, records: number): void;
  /**
   * The committed ISR of a partition this broker leads changed within one
   * leader epoch (Kafka's IsrShrinksPerSec / IsrExpandsPerSec count these).
   */
  isrChanged?(topic: string, partition: number, from: readonly number[], to: readonly number[]): void;
}

export const NOOP_OBSERVER: BrokerObserver = {
  requestCompleted: () => undefined,
  bytesIn: () => undefined,
  bytesOut: () => undefined,
};
