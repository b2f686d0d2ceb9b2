import * as grpc from '@grpc/grpc-js';
import { isGregorError, type Clock, type Logger } from '@gregor/common';
import type { GregorHandlers } from '@gregor/proto';
import type { BrokerApi } from '../api/broker-api';
import type { RequestContext } from '../api/context';
import { reportRequestFailed } from '../broker-core';
import type { ApiName, BrokerObserver } from '../observer';
import * as admin from './admin-codec';
import * as data from './data-codec';
import * as groups from './group-codec';
import { GrpcRequestContext, type GrpcCall } from './request-context';

/** What the gRPC front end needs besides the API: to count requests it could not decode. */
export interface GrpcFrontEndDeps {
  readonly logger: Logger;
  readonly observer: BrokerObserver;
  readonly clock: Clock;
}

/**
 * One unary RPC: decode the proto request, call the domain API, encode the
 * answer. The API counts and reports the call; a request that cannot be
 * decoded is reported here. A rejection is INVALID_ARGUMENT for bad input
 * (a GregorError) and INTERNAL for a bug, with `gregor-error-name` metadata.
 */
export function unary<WireReq, Req, Res, WireRes>(
  deps: GrpcFrontEndDeps,
  api: ApiName,
  listener: string,
  decode: (req: WireReq) => Req,
  call: (ctx: RequestContext, req: Req) => Promise<Res>,
  encode: (res: Res) => WireRes,
  opts: { cancellable?: boolean } = {},
): grpc.handleUnaryCall<WireReq, WireRes> {
  return (grpcCall, callback) => {
    const fail = (err: unknown): void => {
      const name = isGregorError(err) ? err.errorName : 'UNKNOWN_SERVER_ERROR';
      const metadata = new grpc.Metadata();
      metadata.set('gregor-error-name', name);
      callback({
        code: name !== 'UNKNOWN_SERVER_ERROR' ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL,
        details: isGregorError(err) ? err.message : `UNKNOWN_SERVER_ERROR: ${String(err)}`,
        metadata,
      });
    };
    const started = deps.clock.monotonicMs();
    let req: Req;
    try {
      req = decode(grpcCall.request);
    } catch (err) {
      reportRequestFailed(deps, api, err, deps.clock.monotonicMs() - started);
      fail(err);
      return;
    }
    const ctx = new GrpcRequestContext(listener, grpcCall as GrpcCall, opts.cancellable === true);
    call(ctx, req).then((res) => {
      let wireRes: WireRes;
      try {
        wireRes = encode(res);
      } catch (err) {
        deps.logger.error('response could not be encoded', { api, err: err instanceof Error ? err.stack : String(err) });
        fail(err);
        return;
      }
      callback(null, wireRes);
    }, fail);
  };
}

/** gregor.v1.Gregor as served on `listener`: the same API, addresses of that listener. */
export function gregorService(api: BrokerApi, listener: string, deps: GrpcFrontEndDeps): GregorHandlers {
  const m = <K extends keyof BrokerApi>(name: K): BrokerApi[K] => api[name].bind(api) as BrokerApi[K];
  return {
    Produce: unary(deps, 'Produce', listener, data.decodeProduce, m('produce'), data.encodeProduce),
    Fetch: unary(deps, 'Fetch', listener, data.decodeFetch, m('fetch'), data.encodeFetch, { cancellable: true }),
    ListOffsets: unary(deps, 'ListOffsets', listener, data.decodeListOffsets, m('listOffsets'), data.encodeListOffsets),
    Metadata: unary(deps, 'Metadata', listener, admin.decodeMetadata, m('metadata'), admin.encodeMetadata),
    CreateTopics: unary(deps, 'CreateTopics', listener, admin.decodeCreateTopics, m('createTopics'), admin.encodeCreateTopics),
    DeleteTopics: unary(deps, 'DeleteTopics', listener, admin.decodeDeleteTopics, m('deleteTopics'), admin.encodeDeleteTopics),
    CreatePartitions: unary(deps, 'CreatePartitions', listener, admin.decodeCreatePartitions, m('createPartitions'), admin.encodeCreatePartitions),
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
  };
}
