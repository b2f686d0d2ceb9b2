import type { AppendOutcome, AppendRequest, LogStorePort, PartitionLogPort } from '@gregor/broker';

/**
 * Wraps the real LogStore to count storage writes and to inject a failing
 * append, which a healthy LevelDB will not produce on demand.
 */
export class InstrumentedStore<L extends PartitionLogPort> implements LogStorePort<L> {
  appendCalls = 0;
  failAppends = false;

  constructor(private readonly inner: LogStorePort<L>) {}

  openPartition(topic: string, partition: number): Promise<L> {
    return this.inner.openPartition(topic, partition);
  }

  getPartition(topic: string, partition: number): L | undefined {
    return this.inner.getPartition(topic, partition);
  }

  listPartitions(): ReturnType<LogStorePort<L>['listPartitions']> {
    return this.inner.listPartitions();
  }

  deletePartition(topic: string, partition: number): Promise<unknown> {
    return this.inner.deletePartition(topic, partition);
  }

  get writesWaiting(): boolean {
    return this.inner.writesWaiting;
  }

  appendMany(requests: AppendRequest<L>[]): Promise<AppendOutcome[]> {
    this.appendCalls++;
    if (this.failAppends) return Promise.reject(new Error('disk on fire'));
    return this.inner.appendMany(requests);
  }
}
