import { GroupCoordinatorShard } from './coordinator-shard';
import type { ShardDeps, Effects } from './context';
import { recordKey, type CoordinatorRecord, type GroupMetadataValue, type OffsetValue } from './records';

/**
 * Rebuilds a shard from its __consumer_offsets partition, read from the log
 * start: records are replayed in offset order and, as compaction would
 * leave it, only the latest record per key counts; a tombstone removes its
 * key (an offset, or a whole group's metadata). Works the same whether or
 * not the log was compacted.
 */
export class OffsetsLoader {
  private readonly latest = new Map<string, CoordinatorRecord>();
  /** Records of transactional batches (TxnOffsetCommit) whose marker is not read yet, per producer. */
  private readonly pendingTxn = new Map<bigint, CoordinatorRecord[]>();
  private replayed = 0;

  /** A record of a producer's transactional batch: it counts once the COMMIT marker is read. */
  replayTransactional(producerId: bigint, record: CoordinatorRecord): void {
    let list = this.pendingTxn.get(producerId);
    if (list === undefined) this.pendingTxn.set(producerId, (list = []));
    list.push(record);
    this.replayed++;
  }

  /** A transaction marker: its offsets join the latest (COMMIT) or vanish (ABORT). */
  replayMarker(producerId: bigint, commit: boolean): void {
    const records = this.pendingTxn.get(producerId);
    this.pendingTxn.delete(producerId);
    if (commit && records !== undefined) for (const r of records) this.apply(r);
  }

  replay(record: CoordinatorRecord): void {
    this.apply(record);
    this.replayed++;
  }

  private apply(record: CoordinatorRecord): void {
    // Delete then set, so that the map's order is the order of last writes.
    const key = recordKey(record);
    this.latest.delete(key);
    this.latest.set(key, record);
  }

  get recordsReplayed(): number {
    return this.replayed;
  }

  /** Live keys after compaction (tombstoned keys excluded). */
  get liveKeys(): number {
    let n = 0;
    for (const r of this.latest.values()) if (r.value !== null) n++;
    return n;
  }

  /** The state the records describe: group metadata per group, offsets per group. */
  state(): { groups: Map<string, GroupMetadataValue>; offsets: Map<string, Map<string, OffsetValue & { topic: string; partition: number }>> } {
    const groups = new Map<string, GroupMetadataValue>();
    const offsets = new Map<string, Map<string, OffsetValue & { topic: string; partition: number }>>();
    for (const r of this.latest.values()) {
      if (r.value === null) continue;
      if (r.type === 'group') {
        groups.set(r.groupId, r.value);
      } else {
        let byPartition = offsets.get(r.groupId);
        if (byPartition === undefined) offsets.set(r.groupId, (byPartition = new Map()));
        byPartition.set(`${r.topic}\u0000${r.partition}`, { ...r.value, topic: r.topic, partition: r.partition });
      }
    }
    return { groups, offsets };
  }

  /** A shard holding the loaded state, with every loaded member's session starting at `nowMs`. */
  build(deps: ShardDeps, nowMs: number): { shard: GroupCoordinatorShard; effects: Effects } {
    const shard = new GroupCoordinatorShard(deps);
    const { groups, offsets } = this.state();
    const effects = shard.loadGroups(groups, offsets, nowMs);
    const pending = shard.loadPendingTransactions(this.pendingTxn, nowMs);
    return { shard, effects: { replies: [...effects.replies, ...pending.replies], appends: [...effects.appends, ...pending.appends], events: [...effects.events, ...pending.events] } };
  }
}

