import * as grpc from '@grpc/grpc-js';
import type { RequestBytesBudget } from '../request-bytes-budget';

/**
 * Services whose calls are never held back: follower fetches (an acks=all
 * produce holding the budget waits for them: holding them too would stall
 * until the produce times out) and health checks.
 */
const UNGATED_SERVICES = ['/gregor.v1.GregorReplication/', '/grpc.health.v1.Health/'];

/**
 * Bytes taken from the budget when a held-back call is let read its
 * message, before its size is known (Kafka's default max.request.size): the
 * calls let through at once then stop at the bound. The message's own size
 * replaces it once read.
 */
export const GRPC_READ_RESERVATION_BYTES = 1024 * 1024;

/**
 * The gRPC side of the node's bound on request bytes in flight
 * (`queued.max.request.bytes`): a unary client call reads its message only
 * while the node is below the bound — grpc-js reads a call's stream only
 * when asked (startRead), so a held call's bytes stay with the client
 * under HTTP/2 flow control — and its bytes count until its status is sent
 * or it is cancelled. Streaming calls (records Subscribe) and the
 * replication and health services are not gated.
 *
 * A message's size is estimated from the decoded object (messageBytes:
 * bytes fields, strings, a few bytes per other field): grpc-js hands
 * interceptors decoded messages only.
 */
export function requestBytesInterceptor(budget: RequestBytesBudget): grpc.ServerInterceptor {
  return (method, call) => {
    if (method.requestStream || method.responseStream || UNGATED_SERVICES.some((s) => method.path.startsWith(s))) {
      return new grpc.ServerInterceptingCall(call);
    }
    return new GatedCall(call, budget);
  };
}

class GatedCall extends grpc.ServerInterceptingCall {
  private charged = 0;
  private gated = false;
  private done = false;
  private cancelWait: (() => void) | undefined;

  constructor(
    inner: grpc.ServerInterceptingCallInterface,
    private readonly budget: RequestBytesBudget,
  ) {
    super(inner, {
      start: (next) => {
        next(
          new grpc.ServerListenerBuilder()
            .withOnReceiveMessage((message, nextMessage) => {
              // The reservation taken when the read was let through becomes the message's size.
              const size = messageBytes(message);
              this.budget.charge(size);
              this.releaseCharged();
              this.charged = size;
              nextMessage(message);
            })
            .withOnCancel(() => this.finish())
            .build(),
        );
      },
      sendStatus: (status, next) => {
        this.finish();
        next(status);
      },
    });
  }

  /** The first read (the request message) waits for room in the budget; the next (the half-close) does not. */
  override startRead(): void {
    if (this.gated || this.done) {
      super.startRead();
      return;
    }
    this.gated = true;
    this.cancelWait = this.budget.whenRoom(() => {
      this.cancelWait = undefined;
      if (this.done) return;
      this.budget.charge(GRPC_READ_RESERVATION_BYTES);
      this.charged = GRPC_READ_RESERVATION_BYTES;
      super.startRead();
    });
  }

  private finish(): void {
    this.done = true;
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.releaseCharged();
  }

  private releaseCharged(): void {
    const bytes = this.charged;
    this.charged = 0;
    if (bytes > 0) this.budget.release(bytes);
  }
}

/**
 * Approximate wire size of a decoded protobuf message: bytes fields at
 * their length, strings at theirs, 8 bytes per other scalar. Walks the
 * message (bounded by its own size: a message is a finite tree).
 */
export function messageBytes(message: unknown): number {
  let total = 0;
  const stack: unknown[] = [message];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') total += v.length;
    else if (ArrayBuffer.isView(v)) total += v.byteLength;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === 'object') for (const x of Object.values(v as Record<string, unknown>)) stack.push(x);
    else total += 8;
  }
  return total;
}
