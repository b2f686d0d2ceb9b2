import { GregorError, assert, type Logger } from '@gregor/common';
import type { ProducerIdBlock } from './metadata-source';

/** Fetch the next block once this share of the current one is handed out (Kafka's RPCProducerIdManager: 90%). */
const PREFETCH_AT = 0.9;

/**
 * Hands out producer ids for InitProducerId from blocks the controller
 * allocates through its Raft log (KIP-730): an id is unique across brokers
 * and never reused, whatever restarts or failovers happen, because the
 * controller has made the whole block durable before this broker sees it.
 * Ids of a block still unused when the broker stops are simply lost.
 *
 * One allocation is in flight at a time; callers that find the block empty
 * wait for it (they are few: one per producer start). The next block is
 * requested when 90% of the current one is used, so a busy broker rarely
 * waits. A failed allocation fails the callers waiting for it with
 * COORDINATOR_LOAD_IN_PROGRESS (retriable, as Kafka answers while it has no
 * block); the next call tries again.
 */
export class ProducerIdManager {
  private current: { next: bigint; end: bigint; size: number } | undefined;
  private prefetched: ProducerIdBlock | undefined;
  private fetching: Promise<void> | undefined;

  constructor(
    private readonly allocate: () => Promise<ProducerIdBlock>,
    private readonly logger: Logger,
  ) {}

  async nextProducerId(): Promise<bigint> {
    // Bounded: each pass either returns, installs a block, or waits for one allocation (which throws on failure).
    for (let pass = 0; pass < 3; pass++) {
      const c = this.current;
      if (c !== undefined && c.next < c.end) {
        const id = c.next++;
        const prefetchBelow = BigInt(c.size - Math.floor(c.size * PREFETCH_AT));
        if (c.end - c.next <= prefetchBelow && this.prefetched === undefined) void this.fetch().catch(() => undefined);
        return id;
      }
      if (this.prefetched !== undefined) {
        this.install(this.prefetched);
        this.prefetched = undefined;
        continue;
      }
      await this.fetch();
    }
    throw new GregorError('COORDINATOR_LOAD_IN_PROGRESS', 'producer id blocks are used up faster than they arrive');
  }

  private install(block: ProducerIdBlock): void {
    this.current = { next: block.firstProducerId, end: block.firstProducerId + BigInt(block.size), size: block.size };
    this.logger.info('producer id block installed', { first: block.firstProducerId.toString(), size: block.size });
  }

  /** One allocation at a time; its result waits in `prefetched` until the current block is used up. */
  private fetch(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const block = await this.allocate();
        assert(block.size > 0 && block.firstProducerId >= 0n, `bad producer id block ${block.firstProducerId}+${block.size}`);
        const c = this.current;
        assert(c === undefined || block.firstProducerId >= c.end, `producer id block ${block.firstProducerId} overlaps the current one (ends ${c?.end})`);
        this.prefetched = block;
      } catch (err) {
        if (err instanceof Error && err.name === 'AssertionError') throw err;
        this.logger.warn('producer id allocation failed', { error: err instanceof Error ? err.message : String(err) });
        throw new GregorError('COORDINATOR_LOAD_IN_PROGRESS', `no producer id block yet: ${err instanceof Error ? err.message : String(err)}`, {}, err);
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }
}
