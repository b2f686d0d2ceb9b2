import { GregorError, backoffMs, sleep, type ErrorName, type Logger } from '@gregor/common';
import type { BrokerConnection, CallOptions, RpcName, Rpcs } from '../../broker-connection';
import type { Cluster } from '../../cluster';
import { errorFromWire, isTransportError } from '../../errors';
import type { RetryPolicy } from '../../options';
import { hostPort } from '../../wire';

/** Errors that mean "ask FindCoordinator again" (Kafka's markCoordinatorUnknown cases). */
export const COORDINATOR_MOVED: ReadonlySet<ErrorName> = new Set<ErrorName>(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE']);

export interface CoordinatorOptions {
  retry: RetryPolicy;
  logger: Logger;
  random: () => number;
  now: () => number;
}

/**
 * The coordinator of a group (or, with key type 1, of a transactional id) as this client knows it: found with
 * FindCoordinator (any broker answers), forgotten when a call fails with
 * NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE or the broker does not
 * answer, and found again on the next call.
 */
export class GroupCoordinator {
  private known: { nodeId: number; address: string } | undefined;
  private finding: Promise<{ nodeId: number; address: string }> | undefined;

  constructor(
    private readonly cluster: Cluster,
    readonly groupId: string,
    private readonly opts: CoordinatorOptions,
    /** FindCoordinator key type: 0 = a group, 1 = a transactional id (its transaction coordinator). */
    private readonly keyType: 0 | 1 = 0,
  ) {}

  get nodeId(): number | undefined {
    return this.known?.nodeId;
  }

  markUnknown(why: string): void {
    if (this.known === undefined) return;
    this.opts.logger.info('group coordinator unknown, will find it again', { group: this.groupId, coordinator: this.known.nodeId, why });
    this.known = undefined;
  }

  /**
   * Finds the coordinator, retrying retriable answers with backoff until
   * `deadlineMs` (monotonic) or the signal aborts.
   */
  async find(deadlineMs: number, signal?: AbortSignal): Promise<BrokerConnection> {
    if (this.known !== undefined) return this.cluster.connection(this.known.address);
    this.finding ??= this.findLoop(deadlineMs, signal).finally(() => {
      this.finding = undefined;
    });
    const c = await this.finding;
    return this.cluster.connection(c.address);
  }

  private async findLoop(deadlineMs: number, signal?: AbortSignal): Promise<{ nodeId: number; address: string }> {
    for (let attempt = 0; ; attempt++) {
      let error: GregorError;
      try {
        const res = await this.cluster.callAny('FindCoordinator', { keyType: this.keyType, keys: [this.groupId] }, { signal });
        const c = res.coordinators.find((x) => x.key === this.groupId) ?? res.coordinators[0];
        const wireError = errorFromWire(c?.error, { group: this.groupId });
        if (c !== undefined && wireError === undefined) {
          this.known = { nodeId: c.nodeId, address: hostPort(c.host, c.port) };
          this.opts.logger.debug('found the group coordinator', { group: this.groupId, coordinator: c.nodeId });
          return this.known;
        }
        error = wireError ?? new GregorError('COORDINATOR_NOT_AVAILABLE', `no coordinator for group "${this.groupId}" in the answer`);
      } catch (err) {
        if (!(err instanceof GregorError)) throw err;
        error = err;
      }
      if (!error.retriable || signal?.aborted === true) throw error;
      const delay = backoffMs(attempt, this.opts.retry.initialBackoffMs, this.opts.retry.maxBackoffMs, this.opts.random);
      if (this.opts.now() + delay > deadlineMs) throw error;
      await sleep(delay);
    }
  }

  /**
   * One call to the coordinator. A broker that does not answer makes the
   * coordinator unknown (the error is rethrown: the caller decides about
   * retrying); errors inside the answer are the caller's to read.
   */
  async call<M extends RpcName>(method: M, request: Rpcs[M][0], deadlineMs: number, opts: CallOptions = {}): Promise<Rpcs[M][1]> {
    const conn = await this.find(deadlineMs, opts.signal);
    try {
      return await conn.call(method, request, opts);
    } catch (err) {
      if (isTransportError(err)) this.markUnknown(`${method}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }
}
