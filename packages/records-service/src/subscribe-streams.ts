import { GregorError, type Logger } from '@gregor/common';
import type { Gregor } from '@gregor/client';
import type { SubscribeRequestIn } from '@gregor/proto';
import { toServiceError } from './grpc-status';
import { decodeSubscribeOpen, type SubscribeLimits } from './subscribe-open';
import { SubscribeSession, type SubscribeCall, type SubscribeConsumerSettings } from './subscribe-session';

export interface SubscribeStreamsOptions {
  limits: SubscribeLimits;
  consumer: SubscribeConsumerSettings;
  /** How long a new stream may take to send `open` before it is refused (INVALID_ARGUMENT). */
  openTimeoutMs: number;
  logger: Logger;
}

/**
 * The node's Subscribe streams: accepts a stream (its `open`, the node's
 * stream bound), runs a SubscribeSession for it, and ends them all on
 * shutdown with UNAVAILABLE so that subscribers reopen on another node.
 */
export class SubscribeStreams {
  private readonly sessions = new Set<SubscribeSession>();
  private opening = 0;

  constructor(private readonly opts: SubscribeStreamsOptions) {}

  get active(): number {
    return this.sessions.size;
  }

  /** Serves one Subscribe call; `client` is undefined while the node starts or after it stopped. */
  serve(call: SubscribeCall, client: Gregor | undefined): void {
    const fail = (err: GregorError): void => {
      call.emit('error', toServiceError(err));
    };
    if (client === undefined) return fail(new GregorError('BROKER_NOT_AVAILABLE', 'the node is starting or shutting down: reopen the stream on another node'));
    if (this.sessions.size + this.opening >= this.opts.limits.maxStreams) {
      return fail(new GregorError('THROTTLING_QUOTA_EXCEEDED', `this node serves ${this.opts.limits.maxStreams} Subscribe streams already: retry after a backoff or on another node`));
    }
    this.opening++;
    let opened = false;
    const timer = setTimeout(() => {
      if (opened) return;
      opened = true;
      this.opening--;
      fail(new GregorError('INVALID_REQUEST', `bad Subscribe open: no \`open\` within ${this.opts.openTimeoutMs} ms`));
    }, this.opts.openTimeoutMs);
    const gone = (): void => {
      if (opened) return;
      opened = true;
      this.opening--;
      clearTimeout(timer);
    };
    call.once('cancelled', gone);
    call.once('end', gone);
    call.once('data', (first: SubscribeRequestIn) => {
      if (opened) return;
      gone();
      call.off('cancelled', gone);
      call.off('end', gone);
      let session: SubscribeSession;
      try {
        const settings = decodeSubscribeOpen(first.kind === 'open' ? first.open : undefined, this.opts.limits);
        session = new SubscribeSession(call, settings, { client, logger: this.opts.logger, consumer: this.opts.consumer });
      } catch (err) {
        return fail(err instanceof GregorError ? err : new GregorError('INVALID_REQUEST', String(err)));
      }
      this.sessions.add(session);
      void session.run().finally(() => this.sessions.delete(session));
    });
  }

  /** Ends every stream with UNAVAILABLE after committing what each had acked. */
  async close(): Promise<void> {
    const err = new GregorError('BROKER_NOT_AVAILABLE', 'the node is shutting down: reopen the stream on another node');
    await Promise.all([...this.sessions].map((s) => s.stop(err)));
  }
}
