import { GregorError, PRODUCE_STREAM_MAX_OUTSTANDING, toGregorError } from '@gregor/common';
import type { GregorHandlers } from '@gregor/proto';
import type { BrokerApi } from '../api/broker-api';
import * as admin from './admin-codec';
import * as data from './data-codec';
import * as groups from './group-codec';
import * as txn from './txn-codec';
import { serveRequestStream, type RequestStreams } from './request-stream';
import { unary, type GrpcFrontEndDeps } from './unary';
import { wireError } from './wire';

/** gregor.v1.Gregor as served on `listener`: the same API, addresses of that listener. */
export function gregorService(api: BrokerApi, listener: string, deps: GrpcFrontEndDeps, streams: RequestStreams): GregorHandlers {
  const m = <K extends keyof BrokerApi>(name: K): BrokerApi[K] => api[name].bind(api) as BrokerApi[K];
  return {
    Produce: unary(deps, 'Produce', listener, data.decodeProduce, m('produce'), data.encodeProduce),
    ProduceStream: (call) =>
      serveRequestStream(deps, streams, listener, call, {
        api: 'Produce',
        maxOutstanding: PRODUCE_STREAM_MAX_OUTSTANDING,
        decode: (msg) => {
          if (msg.request === null) throw new GregorError('INVALID_REQUEST', `ProduceStream request ${msg.correlationId} carries no ProduceRequest`);
          return data.decodeProduce(msg.request);
        },
        call: m('produce'),
        encode: (res, msg) => ({ correlationId: msg.correlationId, response: data.encodeProduce(res), error: null }),
        failure: (err, msg) => ({ correlationId: msg.correlationId, response: null, error: wireError(toGregorError(err)) }),
      }),
    Fetch: unary(deps, 'Fetch', listener, data.decodeFetch, m('fetch'), data.encodeFetch, { cancellable: true }),
    ListOffsets: unary(deps, 'ListOffsets', listener, data.decodeListOffsets, m('listOffsets'), data.encodeListOffsets),
    Metadata: unary(deps, 'Metadata', listener, admin.decodeMetadata, m('metadata'), admin.encodeMetadata),
    CreateTopics: unary(deps, 'CreateTopics', listener, admin.decodeCreateTopics, m('createTopics'), admin.encodeCreateTopics),
    DeleteTopics: unary(deps, 'DeleteTopics', listener, admin.decodeDeleteTopics, m('deleteTopics'), admin.encodeDeleteTopics),
    CreatePartitions: unary(deps, 'CreatePartitions', listener, admin.decodeCreatePartitions, m('createPartitions'), admin.encodeCreatePartitions),
    DeleteRecords: unary(deps, 'DeleteRecords', listener, admin.decodeDeleteRecords, m('deleteRecords'), admin.encodeDeleteRecords),
    DescribeConfigs: unary(deps, 'DescribeConfigs', listener, admin.decodeDescribeConfigs, m('describeConfigs'), admin.encodeDescribeConfigs),
    AlterConfigs: unary(deps, 'AlterConfigs', listener, admin.decodeAlterConfigs, m('alterConfigs'), admin.encodeAlterConfigs),
    InitProducerId: unary(deps, 'InitProducerId', listener, admin.decodeInitProducerId, m('initProducerId'), admin.encodeInitProducerId),
    FindCoordinator: unary(deps, 'FindCoordinator', listener, groups.decodeFindCoordinator, m('findCoordinator'), groups.encodeFindCoordinator),
    JoinGroup: unary(deps, 'JoinGroup', listener, groups.decodeJoinGroup, m('joinGroup'), groups.encodeJoinGroup),
    SyncGroup: unary(deps, 'SyncGroup', listener, groups.decodeSyncGroup, m('syncGroup'), groups.encodeSyncGroup),
    Heartbeat: unary(deps, 'Heartbeat', listener, groups.decodeHeartbeat, m('heartbeat'), groups.encodeHeartbeat),
    LeaveGroup: unary(deps, 'LeaveGroup', listener, groups.decodeLeaveGroup, m('leaveGroup'), groups.encodeLeaveGroup),
    OffsetCommit: unary(deps, 'OffsetCommit', listener, groups.decodeOffsetCommit, m('offsetCommit'), groups.encodeOffsetCommit),
    OffsetFetch: unary(deps, 'OffsetFetch', listener, groups.decodeOffsetFetch, m('offsetFetch'), groups.encodeOffsetFetch),
    DescribeGroups: unary(deps, 'DescribeGroups', listener, groups.decodeDescribeGroups, m('describeGroups'), groups.encodeDescribeGroups),
    ListGroups: unary(deps, 'ListGroups', listener, groups.decodeListGroups, m('listGroups'), groups.encodeListGroups),
    DeleteGroups: unary(deps, 'DeleteGroups', listener, groups.decodeDeleteGroups, m('deleteGroups'), groups.encodeDeleteGroups),
    AddPartitionsToTxn: unary(deps, 'AddPartitionsToTxn', listener, txn.decodeAddPartitionsToTxn, m('addPartitionsToTxn'), txn.encodeAddPartitionsToTxn),
    AddOffsetsToTxn: unary(deps, 'AddOffsetsToTxn', listener, txn.decodeAddOffsetsToTxn, m('addOffsetsToTxn'), txn.encodeAddOffsetsToTxn),
    EndTxn: unary(deps, 'EndTxn', listener, txn.decodeEndTxn, m('endTxn'), txn.encodeEndTxn),
    WriteTxnMarkers: unary(deps, 'WriteTxnMarkers', listener, txn.decodeWriteTxnMarkers, m('writeTxnMarkers'), txn.encodeWriteTxnMarkers),
    DescribeTransactions: unary(deps, 'DescribeTransactions', listener, txn.decodeDescribeTransactions, m('describeTransactions'), txn.encodeDescribeTransactions),
    ListTransactions: unary(deps, 'ListTransactions', listener, txn.decodeListTransactions, m('listTransactions'), txn.encodeListTransactions),
    DescribeProducers: unary(deps, 'DescribeProducers', listener, txn.decodeDescribeProducers, m('describeProducers'), txn.encodeDescribeProducers),
    TxnOffsetCommit: unary(deps, 'TxnOffsetCommit', listener, txn.decodeTxnOffsetCommit, m('txnOffsetCommit'), txn.encodeTxnOffsetCommit),
  };
}
