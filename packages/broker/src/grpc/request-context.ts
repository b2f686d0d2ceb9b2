import type * as grpc from '@grpc/grpc-js';
import type { RequestContext } from '../api/context';

/** What the context reads from a call. */
export interface GrpcCall {
  readonly metadata: grpc.Metadata;
  getPeer(): string;
  on(event: 'cancelled', listener: () => void): unknown;
}

/**
 * A gRPC call as a RequestContext. The client's id and host are read only
 * when asked for (JoinGroup), and the abort signal is made only for the
 * long-polls that take one, so the produce path pays for neither.
 */
export class GrpcRequestContext implements RequestContext {
  readonly signal: AbortSignal | undefined;
  private readonly controller: AbortController | undefined;

  constructor(
    readonly listener: string,
    private readonly call: GrpcCall,
    cancellable: boolean,
  ) {
    if (cancellable) {
      const controller = new AbortController();
      call.on('cancelled', () => controller.abort());
      this.controller = controller;
      this.signal = controller.signal;
    }
  }

  /** Ends every wait on the call now, as a cancel would (a stream whose client half-closed). */
  abort(): void {
    this.controller?.abort();
  }

  /** Sent as gRPC metadata `client-id`, as Kafka's request header carries it. */
  get clientId(): string {
    const v = this.call.metadata.get('client-id')[0];
    return typeof v === 'string' && v !== '' ? v : 'unknown';
  }

  /** Kafka shows a member's host as "/ip" (InetAddress.toString()). */
  get clientHost(): string {
    const peer = this.call.getPeer();
    const m = /^(?:ipv[46]:)?\[?([^\]]*?)\]?(?::\d+)?$/.exec(peer);
    return `/${m?.[1] ?? peer}`;
  }
}
