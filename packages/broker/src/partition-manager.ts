import { GregorError, tpKey, type Logger } from '@gregor/common';
import type { MetadataEvent, MetadataSource, PartitionAssignment, TopicMetadataView } from './metadata-source';
import type { LogStorePort, PartitionLogPort } from './storage-port';

export interface LedPartition<L extends PartitionLogPort> {
  log: L;
  topic: TopicMetadataView;
  assignment: PartitionAssignment;
}

/**
 * With replication (issue 4) a follower in the ISR may lag, and the HW is the
 * minimum ISR log end offset. While the ISR is only this node, every
 * appended record is on every in-sync replica: HW = LEO.
 */
export function highWatermarkFor(assignment: PartitionAssignment, selfId: number, logEndOffset: bigint, current: bigint): bigint {
  const onlySelf = assignment.isr.length === 1 && assignment.isr[0] === selfId;
  return onlySelf && logEndOffset > current ? logEndOffset : current;
}

/**
 * Keeps storage in step with metadata: opens the logs of partitions this
 * node leads, deletes the logs of deleted topics, and answers "give me the
 * log for topic/partition" with Kafka's errors when it cannot.
 */
export class PartitionManager<L extends PartitionLogPort> {
  private readonly opening = new Map<string, Promise<L>>();
  /** Deletions in progress by topic name; a re-created topic waits for them. */
  private readonly deleting = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: LogStorePort<L>,
    private readonly metadata: MetadataSource,
    private readonly nodeId: number,
    private readonly logger: Logger,
    private readonly onDeleted: (topic: string, partitions: number) => void,
  ) {}

  /**
   * Opens every led partition, and removes logs whose topic no longer
   * exists (a crash between the metadata delete and the log delete).
   */
  async start(): Promise<void> {
    this.unsubscribe = this.metadata.subscribe((event) => this.handleEvent(event));
    const listed = await this.store.listPartitions();
    for (const { topic, partition } of listed) {
      const view = this.metadata.topic(topic);
      if (view === undefined || partition >= view.partitions.length) {
        this.logger.warn('deleting log of a partition that metadata does not know', { topic, partition });
        await this.store.deletePartition(topic, partition);
      }
    }
    for (const view of this.metadata.topics()) await Promise.all(this.openLed(view));
  }

  stop(): Promise<unknown> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    return Promise.allSettled([...this.deleting.values(), ...this.opening.values()]);
  }

  /** The log of a partition this node leads; throws GregorError otherwise. */
  async leaderLog(topicName: string, partition: number): Promise<LedPartition<L>> {
    const topic = this.metadata.topic(topicName);
    const assignment = topic?.partitions[partition];
    if (topic === undefined || assignment === undefined) {
      throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `this server does not host ${tpKey(topicName, partition)}`, {
        topic: topicName,
        partition,
      });
    }
    if (assignment.leaderId !== this.nodeId) {
      throw new GregorError('NOT_LEADER_OR_FOLLOWER', `node ${this.nodeId} is not the leader of ${tpKey(topicName, partition)}`, {
        topic: topicName,
        partition,
        leaderHint: assignment.leaderId,
      });
    }
    const log = await this.open(topicName, assignment);
    return { log, topic, assignment };
  }

  /** Logs currently open for partitions this node leads. */
  async ledLogs(): Promise<LedPartition<L>[]> {
    const out: LedPartition<L>[] = [];
    for (const topic of this.metadata.topics()) {
      for (const assignment of topic.partitions) {
        if (assignment.leaderId !== this.nodeId) continue;
        const log = this.store.getPartition(topic.name, assignment.partition);
        if (log !== undefined) out.push({ log, topic, assignment });
      }
    }
    return out;
  }

  private handleEvent(event: MetadataEvent): void {
    if (event.type === 'topic-created') {
      for (const p of this.openLed(event.topic)) {
        p.catch((err: unknown) => this.logger.error('failed to open partition', { topic: event.topic.name, err: String(err) }));
      }
    } else if (event.type === 'topic-deleted') {
      this.removeTopic(event.name);
    }
  }

  private openLed(view: TopicMetadataView): Promise<L>[] {
    return view.partitions.filter((a) => a.leaderId === this.nodeId).map((a) => this.open(view.name, a));
  }

  private open(topic: string, assignment: PartitionAssignment): Promise<L> {
    const key = tpKey(topic, assignment.partition);
    let pending = this.opening.get(key);
    if (pending === undefined) {
      const before = this.deleting.get(topic) ?? Promise.resolve();
      pending = before.then(async () => {
        const log = await this.store.openPartition(topic, assignment.partition);
        log.setHighWatermark(highWatermarkFor(assignment, this.nodeId, log.logEndOffset, log.highWatermark));
        return log;
      });
      this.opening.set(key, pending);
      // A failed open is retried by the next request instead of being cached.
      pending.catch(() => {
        if (this.opening.get(key) === pending) this.opening.delete(key);
      });
    }
    return pending;
  }

  private removeTopic(topic: string): void {
    const keys = [...this.opening.keys()].filter((k) => k.startsWith(`${topic}-`) && /^\d+$/.test(k.slice(topic.length + 1)));
    const partitions = keys.map((k) => Number(k.slice(topic.length + 1)));
    const opens = keys.map((k) => this.opening.get(k)!);
    for (const k of keys) this.opening.delete(k);
    const previous = this.deleting.get(topic) ?? Promise.resolve();
    const done = previous
      .then(() => Promise.allSettled(opens))
      .then(async () => {
        for (const p of partitions) await this.store.deletePartition(topic, p);
        this.logger.info('deleted topic logs', { topic, partitions: partitions.length });
      })
      .catch((err: unknown) => {
        this.logger.error('failed to delete topic logs', { topic, err: String(err) });
      })
      .finally(() => {
        if (this.deleting.get(topic) === done) this.deleting.delete(topic);
      });
    this.deleting.set(topic, done);
    this.onDeleted(topic, Math.max(0, ...partitions.map((p) => p + 1)));
  }
}
