import { GregorError, type Logger } from '@gregor/common';
import type { CoordinatorLogPort } from '@gregor/coordinator-runtime';
import type { BrokerContext } from '../broker-context';
import { handleProduce } from '../handlers/produce';
import { RequestOutcome } from '../outcome';

/**
 * A coordinator's view of its internal-topic partitions on this broker
 * (__consumer_offsets, __transaction_state): reads straight from the led partition's log, appends through the
 * produce path with acks=all (so commits are replicated before they are
 * acknowledged), always as the leader in the epoch the coordinator loaded
 * in — a write from an older leadership is refused, never appended.
 */
export class CoordinatorLog implements CoordinatorLogPort {
  /** The context is built after the coordinator, hence a getter. */
  constructor(
    private readonly topic: string,
    private readonly context: () => BrokerContext,
    private readonly logger: Logger,
  ) {}

  private get ctx(): BrokerContext {
    return this.context();
  }

  private async led(partition: number, leaderEpoch: number) {
    const led = await this.ctx.replicas.leaderFor(this.topic, partition);
    if (led.leader.leaderEpoch !== leaderEpoch || led.leader.deposed) {
      throw new GregorError('NOT_LEADER_OR_FOLLOWER', `${this.topic}-${partition} is led in epoch ${led.leader.leaderEpoch}, not ${leaderEpoch}`, {
        topic: this.topic,
        partition,
      });
    }
    return led;
  }

  async bounds(partition: number, leaderEpoch: number): Promise<{ logStartOffset: bigint; logEndOffset: bigint }> {
    const { log } = await this.led(partition, leaderEpoch);
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset };
  }

  async read(partition: number, leaderEpoch: number, fromOffset: bigint, maxBytes: number): Promise<{ records: Buffer }> {
    const { log } = await this.led(partition, leaderEpoch);
    const r = await log.read(fromOffset, maxBytes);
    return { records: r.records };
  }

  async append(partition: number, leaderEpoch: number, batch: Buffer): Promise<void> {
    const outcome = new RequestOutcome(this.logger, 'CoordinatorWrite');
    const res = await handleProduce(
      this.ctx,
      { acks: -1, timeoutMs: this.ctx.config.offsetsCommitTimeoutMs, topics: [{ name: this.topic, partitions: [{ partition, records: batch }] }] },
      outcome,
      { coordinatorLeaderEpoch: leaderEpoch },
    );
    const error = res.topics[0]?.partitions[0]?.error;
    if (error !== null && error !== undefined) throw error;
  }
}
