import { GregorError, type Logger } from '@gregor/common';
import { OFFSETS_TOPIC, type OffsetsLogPort } from '@gregor/group-coordinator';
import type { BrokerContext } from '../broker-context';
import { handleProduce } from '../handlers/produce';
import { RequestOutcome } from '../outcome';

/**
 * The coordinator's view of its __consumer_offsets partitions on this
 * broker: reads straight from the led partition's log, appends through the
 * produce path with acks=all (so commits are replicated before they are
 * acknowledged), always as the leader in the epoch the coordinator loaded
 * in — a write from an older leadership is refused, never appended.
 */
export class CoordinatorLog implements OffsetsLogPort {
  /** The context is built after the coordinator, hence a getter. */
  constructor(
    private readonly context: () => BrokerContext,
    private readonly logger: Logger,
  ) {}

  private get ctx(): BrokerContext {
    return this.context();
  }

  private async led(partition: number, leaderEpoch: number) {
    const led = await this.ctx.replicas.leaderFor(OFFSETS_TOPIC, partition);
    if (led.leader.leaderEpoch !== leaderEpoch || led.leader.deposed) {
      throw new GregorError('NOT_LEADER_OR_FOLLOWER', `${OFFSETS_TOPIC}-${partition} is led in epoch ${led.leader.leaderEpoch}, not ${leaderEpoch}`, {
        topic: OFFSETS_TOPIC,
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
    const outcome = new RequestOutcome(this.logger, 'GroupCoordinatorWrite');
    const res = await handleProduce(
      this.ctx,
      { acks: -1, timeoutMs: this.ctx.config.offsetsCommitTimeoutMs, topics: [{ name: OFFSETS_TOPIC, partitions: [{ partition, records: batch }] }] },
      outcome,
      { coordinatorLeaderEpoch: leaderEpoch },
    );
    const error = res.topics[0]?.partitions[0]?.error;
    if (error !== null && error !== undefined) throw error;
  }
}
