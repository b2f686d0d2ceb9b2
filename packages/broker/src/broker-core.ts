import { isGregorError, type ErrorName } from '@gregor/common';
import type { BrokerApi } from './api/broker-api';
import type { RequestContext } from './api/context';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from './api/replication';
import type { BrokerContext } from './broker-context';
import { handleAlterConfigs, handleDescribeConfigs } from './handlers/configs';
import { handleFetch } from './handlers/fetch';
import { handleDeleteGroups, handleDescribeGroups, handleFindCoordinator, handleListGroups } from './handlers/group-admin';
import { handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleSyncGroup } from './handlers/group-membership';
import { handleOffsetCommit, handleOffsetFetch, handleTxnOffsetCommit } from './handlers/group-offsets';
import { handleInitProducerId } from './handlers/init-producer-id';
import { handleListOffsets } from './handlers/list-offsets';
import { handleDeleteRecords } from './handlers/delete-records';
import { handleDescribeCluster, handleMetadata } from './handlers/metadata';
import { handleOffsetsForLeaderEpoch } from './handlers/offsets-for-leader-epoch';
import { handleProduce } from './handlers/produce';
import { handleReplicaFetch } from './handlers/replica-fetch';
import { handleCreatePartitions, handleCreateTopics, handleDeleteTopics } from './handlers/topics';
import {
  handleAddOffsetsToTxn,
  handleAddPartitionsToTxn,
  handleDescribeTransactions,
  handleEndTxn,
  handleListTransactions,
  handleDescribeProducers,
} from './handlers/transactions';
import { handleWriteTxnMarkers } from './handlers/write-txn-markers';
import type { ApiName } from './observer';
import { RequestOutcome } from './outcome';

/**
 * Reports a request that failed as a whole (rejected, not answered with
 * per-item errors) and returns the error name it counts under: bad input
 * (a GregorError) is only counted, anything else is a bug and is logged
 * with its stack. Front ends use it too, for requests they could not decode.
 */
export function reportRequestFailed(ctx: Pick<BrokerContext, 'logger' | 'observer'>, api: ApiName, err: unknown, durationMs: number): ErrorName {
  const name = isGregorError(err) ? err.errorName : 'UNKNOWN_SERVER_ERROR';
  if (name === 'UNKNOWN_SERVER_ERROR') ctx.logger.error('request failed', { api, err: err instanceof Error ? err.stack : String(err) });
  ctx.observer.requestCompleted(api, name, durationMs);
  return name;
}

/**
 * The broker core behind every front end: each method runs one handler
 * with a fresh RequestOutcome, counts the request as in flight (stop waits
 * for it) and reports it to the observer — the first per-item error, or
 * the whole request's failure.
 */
export class BrokerCore implements BrokerApi {
  constructor(private readonly ctx: BrokerContext) {}

  private run<R>(api: ApiName, work: (outcome: RequestOutcome) => Promise<R>): Promise<R> {
    const ctx = this.ctx;
    const started = ctx.clock.monotonicMs();
    const outcome = new RequestOutcome(ctx.logger, api);
    return ctx.track(Promise.resolve().then(() => work(outcome))).then(
      (response) => {
        ctx.observer.requestCompleted(api, outcome.firstError, ctx.clock.monotonicMs() - started);
        return response;
      },
      (err: unknown) => {
        reportRequestFailed(ctx, api, err, ctx.clock.monotonicMs() - started);
        throw err;
      },
    );
  }

  produce: BrokerApi['produce'] = (_rc, req) => this.run('Produce', (o) => handleProduce(this.ctx, req, o));
  fetch: BrokerApi['fetch'] = (rc, req) => this.run('Fetch', (o) => handleFetch(this.ctx, req, o, rc.signal));
  listOffsets: BrokerApi['listOffsets'] = (_rc, req) => this.run('ListOffsets', (o) => handleListOffsets(this.ctx, req, o));
  offsetsForLeaderEpoch: BrokerApi['offsetsForLeaderEpoch'] = (_rc, req) =>
    this.run('OffsetsForLeaderEpoch', (o) => handleOffsetsForLeaderEpoch(this.ctx, req, o));
  metadata: BrokerApi['metadata'] = (rc, req) => this.run('Metadata', (o) => handleMetadata(this.ctx, req, o, rc.listener));
  describeCluster: BrokerApi['describeCluster'] = (rc) => this.run('DescribeCluster', async () => handleDescribeCluster(this.ctx, rc.listener));
  createTopics: BrokerApi['createTopics'] = (_rc, req) => this.run('CreateTopics', (o) => handleCreateTopics(this.ctx, req, o));
  deleteTopics: BrokerApi['deleteTopics'] = (_rc, req) => this.run('DeleteTopics', (o) => handleDeleteTopics(this.ctx, req, o));
  createPartitions: BrokerApi['createPartitions'] = (_rc, req) => this.run('CreatePartitions', (o) => handleCreatePartitions(this.ctx, req, o));
  deleteRecords: BrokerApi['deleteRecords'] = (_rc, req) => this.run('DeleteRecords', (o) => handleDeleteRecords(this.ctx, req, o));
  describeConfigs: BrokerApi['describeConfigs'] = (_rc, req) => this.run('DescribeConfigs', (o) => handleDescribeConfigs(this.ctx, req, o));
  alterConfigs: BrokerApi['alterConfigs'] = (_rc, req) => this.run('AlterConfigs', (o) => handleAlterConfigs(this.ctx, req, o));
  initProducerId: BrokerApi['initProducerId'] = (_rc, req) => this.run('InitProducerId', (o) => handleInitProducerId(this.ctx, req, o));
  findCoordinator: BrokerApi['findCoordinator'] = (rc, req) => this.run('FindCoordinator', (o) => handleFindCoordinator(this.ctx, req, o, rc.listener));
  joinGroup: BrokerApi['joinGroup'] = (rc, req) => this.run('JoinGroup', (o) => handleJoinGroup(this.ctx, req, o, rc));
  syncGroup: BrokerApi['syncGroup'] = (_rc, req) => this.run('SyncGroup', (o) => handleSyncGroup(this.ctx, req, o));
  heartbeat: BrokerApi['heartbeat'] = (_rc, req) => this.run('Heartbeat', (o) => handleHeartbeat(this.ctx, req, o));
  leaveGroup: BrokerApi['leaveGroup'] = (_rc, req) => this.run('LeaveGroup', (o) => handleLeaveGroup(this.ctx, req, o));
  offsetCommit: BrokerApi['offsetCommit'] = (_rc, req) => this.run('OffsetCommit', (o) => handleOffsetCommit(this.ctx, req, o));
  offsetFetch: BrokerApi['offsetFetch'] = (_rc, req) => this.run('OffsetFetch', (o) => handleOffsetFetch(this.ctx, req, o));
  describeGroups: BrokerApi['describeGroups'] = (_rc, req) => this.run('DescribeGroups', (o) => handleDescribeGroups(this.ctx, req, o));
  listGroups: BrokerApi['listGroups'] = (_rc, req) => this.run('ListGroups', (o) => handleListGroups(this.ctx, req, o));
  deleteGroups: BrokerApi['deleteGroups'] = (_rc, req) => this.run('DeleteGroups', (o) => handleDeleteGroups(this.ctx, req, o));
  addPartitionsToTxn: BrokerApi['addPartitionsToTxn'] = (_rc, req) => this.run('AddPartitionsToTxn', (o) => handleAddPartitionsToTxn(this.ctx, req, o));
  addOffsetsToTxn: BrokerApi['addOffsetsToTxn'] = (_rc, req) => this.run('AddOffsetsToTxn', (o) => handleAddOffsetsToTxn(this.ctx, req, o));
  txnOffsetCommit: BrokerApi['txnOffsetCommit'] = (_rc, req) => this.run('TxnOffsetCommit', (o) => handleTxnOffsetCommit(this.ctx, req, o));
  endTxn: BrokerApi['endTxn'] = (_rc, req) => this.run('EndTxn', (o) => handleEndTxn(this.ctx, req, o));
  writeTxnMarkers: BrokerApi['writeTxnMarkers'] = (_rc, req) => this.run('WriteTxnMarkers', (o) => handleWriteTxnMarkers(this.ctx, req, o));
  describeTransactions: BrokerApi['describeTransactions'] = (_rc, req) => this.run('DescribeTransactions', (o) => handleDescribeTransactions(this.ctx, req, o));
  listTransactions: BrokerApi['listTransactions'] = (_rc, req) => this.run('ListTransactions', (o) => handleListTransactions(this.ctx, req, o));
  describeProducers: BrokerApi['describeProducers'] = (_rc, req) => this.run('DescribeProducers', (o) => handleDescribeProducers(this.ctx, req, o));

  /** The follower's fetch (broker to broker): served by the gRPC replication service only. */
  fetchFromLeader(rc: RequestContext, req: ReplicaFetchRequest): Promise<ReplicaFetchResponse> {
    return this.run('FetchFromLeader', (o) => handleReplicaFetch(this.ctx, req, o, rc.signal));
  }
}
