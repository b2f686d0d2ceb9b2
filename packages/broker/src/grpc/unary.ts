import * as grpc from '@grpc/grpc-js';
import { isGregorError, type Clock, type Logger } from '@gregor/common';
import type { RequestContext } from '../api/context';
import { reportRequestFailed } from '../broker-core';
import type { ApiName, BrokerObserver } from '../observer';
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
