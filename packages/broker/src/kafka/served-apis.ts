import {
  ADD_OFFSETS_TO_TXN_API,
  ADD_PARTITIONS_TO_TXN_API,
  DESCRIBE_PRODUCERS_API,
  DESCRIBE_TRANSACTIONS_API,
  END_TXN_API,
  LIST_TRANSACTIONS_API,
  TXN_OFFSET_COMMIT_API,
  ALTER_CONFIGS_API,
  API_VERSIONS_API,
  CREATE_PARTITIONS_API,
  CREATE_TOPICS_API,
  DELETE_GROUPS_API,
  DELETE_RECORDS_API,
  DELETE_TOPICS_API,
  DESCRIBE_CLUSTER_API,
  DESCRIBE_CONFIGS_API,
  DESCRIBE_GROUPS_API,
  FETCH_API,
  FIND_COORDINATOR_API,
  HEARTBEAT_API,
  INCREMENTAL_ALTER_CONFIGS_API,
  INIT_PRODUCER_ID_API,
  JOIN_GROUP_API,
  LEAVE_GROUP_API,
  LIST_GROUPS_API,
  LIST_OFFSETS_API,
  METADATA_API,
  OFFSET_COMMIT_API,
  OFFSET_FETCH_API,
  OFFSET_FOR_LEADER_EPOCH_API,
  PRODUCE_API,
  SYNC_GROUP_API,
  type ApiDefinition,
  type ApiVersionsResponse,
  type Encodable,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { RequestContext } from '../api/context';
import type { ApiName } from '../observer';
import type { FetchSessionCache } from '../fetch-sessions';
import type { ReplicaFetchCall } from './replica-fetch-adapter';
import * as admin from './admin-adapter';
import * as data from './data-adapter';
import * as groups from './group-adapter';
import * as meta from './metadata-adapter';
import * as records from './records-adapter';
import * as txn from './txn-adapter';

/** What the KAFKA listener keeps across requests and connections, for the adapters that need it. */
export interface KafkaListenerState {
  readonly fetchSessions: FetchSessionCache;
  /** Serves followers' Fetch (replica_id ≥ 0); absent, they are refused (replica.fetch.transport=kafka needs it). */
  readonly replicaFetch?: ReplicaFetchCall;
}

/** One adapter: the decoded Kafka request → the domain call → the Kafka response body (null: send nothing, acks=0). */
export type KafkaAdapter<Req, Res> = (api: BrokerApi, ctx: RequestContext, version: number, req: Req, listener: KafkaListenerState) => Promise<Encodable<Res> | null>;

export interface ServedApi {
  readonly def: ApiDefinition<unknown, unknown>;
  /** What the observer counts a request it could not decode under (the domain call counts the others). */
  readonly metricName: ApiName;
  /** The versions ApiVersions advertises. */
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly adapter: KafkaAdapter<unknown, unknown> | 'api-versions';
}

function served<Req, Res>(
  metricName: ApiName,
  def: ApiDefinition<Req, Res>,
  minVersion: number,
  maxVersion: number,
  adapter: KafkaAdapter<Req, Res>,
): ServedApi {
  return {
    metricName,
    def: def as ApiDefinition<unknown, unknown>,
    minVersion,
    maxVersion,
    adapter: adapter as KafkaAdapter<unknown, unknown>,
  };
}

/**
 * What the KAFKA listener serves: exactly what ApiVersions advertises.
 * Ranges chosen from the clients that must work unchanged:
 * - kafka-python 2.0.2 guesses the broker's release from these ranges (the
 *   highest of its probes that fits: Produce v8 → "2.4") and writes the
 *   legacy message format unless it concludes ≥ 0.11; it always sends
 *   Metadata v1 and old group versions (JoinGroup/SyncGroup/Heartbeat v0–v2,
 *   OffsetCommit v2, OffsetFetch v1), so those stay.
 * - librdkafka sends ApiVersions v3 first and gates features on ranges:
 *   RecordBatch v2 needs Produce v3 and Fetch v4, zstd Produce v7 and Fetch
 *   v10, idempotence InitProducerId.
 * - kafkajs uses only pre-flexible versions and fails on a missing key.
 * Produce stops at v9 and Fetch at v12: Produce v10+/Fetch v13+ need topic
 * ids or KIP-951 leader hints; ListOffsets stops at v7 (v8+ adds tiered
 * storage timestamps).
 */
export const SERVED_APIS: ReadonlyMap<number, ServedApi> = new Map(
  [
    // Advertised from v0 although v0–v2 are answered UNSUPPORTED_VERSION (as
    // Kafka 4.0 re-advertises them, KAFKA-18659): librdkafka (2.0.2 here; its
    // issue 4956) compresses with gzip, snappy or lz4 only when the broker
    // lists Produce v0, and otherwise sends those batches uncompressed.
    served('Produce', PRODUCE_API, 0, 9, data.produce),
    served('Fetch', FETCH_API, 4, 12, data.fetch),
    served('ListOffsets', LIST_OFFSETS_API, 1, 7, data.listOffsets),
    served('Metadata', METADATA_API, 0, 12, meta.metadata),
    served('OffsetCommit', OFFSET_COMMIT_API, 2, 8, groups.offsetCommit),
    served('OffsetFetch', OFFSET_FETCH_API, 1, 8, groups.offsetFetch),
    served('FindCoordinator', FIND_COORDINATOR_API, 0, 4, groups.findCoordinator),
    served('JoinGroup', JOIN_GROUP_API, 0, 9, groups.joinGroup),
    served('Heartbeat', HEARTBEAT_API, 0, 4, groups.heartbeat),
    served('LeaveGroup', LEAVE_GROUP_API, 0, 5, groups.leaveGroup),
    served('SyncGroup', SYNC_GROUP_API, 0, 5, groups.syncGroup),
    served('DescribeGroups', DESCRIBE_GROUPS_API, 0, 5, groups.describeGroups),
    served('ListGroups', LIST_GROUPS_API, 0, 4, groups.listGroups),
    { metricName: 'ApiVersions' as const, def: API_VERSIONS_API as ApiDefinition<unknown, unknown>, minVersion: 0, maxVersion: 3, adapter: 'api-versions' as const },
    served('CreateTopics', CREATE_TOPICS_API, 2, 7, admin.createTopics),
    served('DeleteTopics', DELETE_TOPICS_API, 1, 6, admin.deleteTopics),
    served('DeleteRecords', DELETE_RECORDS_API, 0, 2, records.deleteRecords),
    served('InitProducerId', INIT_PRODUCER_ID_API, 0, 4, admin.initProducerId),
    served('OffsetsForLeaderEpoch', OFFSET_FOR_LEADER_EPOCH_API, 2, 4, data.offsetForLeaderEpoch),
    served('DescribeConfigs', DESCRIBE_CONFIGS_API, 0, 4, admin.describeConfigs),
    served('AlterConfigs', ALTER_CONFIGS_API, 0, 2, admin.alterConfigs),
    served('CreatePartitions', CREATE_PARTITIONS_API, 0, 3, admin.createPartitions),
    served('DeleteGroups', DELETE_GROUPS_API, 0, 2, groups.deleteGroups),
    served('AlterConfigs', INCREMENTAL_ALTER_CONFIGS_API, 0, 1, admin.incrementalAlterConfigs),
    served('DescribeCluster', DESCRIBE_CLUSTER_API, 0, 1, meta.describeCluster),
    // Transactions (KIP-98): AddPartitionsToTxn v4+ is KIP-890's broker-to-broker form; EndTxn v4+ and
    // TxnOffsetCommit v4 belong to KIP-890 part 2 (epoch bumped per transaction), not done.
    served('AddPartitionsToTxn', ADD_PARTITIONS_TO_TXN_API, 0, 3, txn.addPartitionsToTxn),
    served('AddOffsetsToTxn', ADD_OFFSETS_TO_TXN_API, 0, 3, txn.addOffsetsToTxn),
    served('EndTxn', END_TXN_API, 0, 3, txn.endTxn),
    served('TxnOffsetCommit', TXN_OFFSET_COMMIT_API, 0, 3, txn.txnOffsetCommit),
    served('DescribeProducers', DESCRIBE_PRODUCERS_API, 0, 0, txn.describeProducers),
    served('DescribeTransactions', DESCRIBE_TRANSACTIONS_API, 0, 0, txn.describeTransactions),
    served('ListTransactions', LIST_TRANSACTIONS_API, 0, 1, txn.listTransactions),
  ].map((s) => [s.def.apiKey, s]),
);

/** The ApiVersions answer: every served key with its advertised range, by key. */
export function apiVersionsBody(): Encodable<ApiVersionsResponse> {
  const apiKeys = [...SERVED_APIS.values()]
    .sort((a, b) => a.def.apiKey - b.def.apiKey)
    .map((s) => ({ apiKey: s.def.apiKey, minVersion: s.minVersion, maxVersion: s.maxVersion }));
  return { errorCode: 0, apiKeys };
}
