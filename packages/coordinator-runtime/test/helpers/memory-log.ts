import { GregorError } from '@gregor/common';
import type { CoordinatorLogPort } from '@gregor/coordinator-runtime';
import { lastOffsetOf, readBatchHeader, setBaseOffset } from '@gregor/record-batch';

interface Partition {
  batches: { base: bigint; last: bigint; bytes: Buffer }[];
  end: bigint;
}

/**
 * Internal-topic partitions (__consumer_offsets, __transaction_state) in memory, shared by several runtimes (as
 * brokers share a replicated partition): a runtime reads and writes only
 * as the current leader epoch. Writes can be failed or held by the test.
 */
export class MemoryLog implements CoordinatorLogPort {
  private readonly partitions = new Map<number, Partition>();
  private readonly leaders = new Map<number, number>();
  writes = 0;
  failWrites: GregorError | undefined;
  /** While set, loading (bounds) waits for it. */
  loadGate: Promise<void> | undefined;
  /** While set, writes wait for it. */
  writeGate: Promise<void> | undefined;

  setLeaderEpoch(partition: number, epoch: number): void {
    this.leaders.set(partition, epoch);
  }

  private check(partition: number, epoch: number): Partition {
    if (this.leaders.get(partition) !== epoch) throw new GregorError('NOT_LEADER_OR_FOLLOWER', `epoch ${epoch} does not lead ${partition}`);
    let p = this.partitions.get(partition);
    if (p === undefined) this.partitions.set(partition, (p = { batches: [], end: 0n }));
    return p;
  }

  async bounds(partition: number, epoch: number): Promise<{ logStartOffset: bigint; logEndOffset: bigint }> {
    await this.loadGate;
    const p = this.check(partition, epoch);
    return { logStartOffset: 0n, logEndOffset: p.end };
  }

  async read(partition: number, epoch: number, fromOffset: bigint, maxBytes: number): Promise<{ records: Buffer }> {
    const p = this.check(partition, epoch);
    const out: Buffer[] = [];
    let size = 0;
    for (const b of p.batches) {
      if (b.last < fromOffset) continue;
      if (out.length > 0 && size + b.bytes.length > maxBytes) break;
      out.push(b.bytes);
      size += b.bytes.length;
    }
    return { records: Buffer.concat(out) };
  }

  async append(partition: number, epoch: number, batch: Buffer): Promise<void> {
    await this.writeGate;
    const p = this.check(partition, epoch);
    if (this.failWrites !== undefined) throw this.failWrites;
    const bytes = Buffer.from(batch);
    setBaseOffset(bytes, p.end);
    const h = readBatchHeader(bytes);
    p.batches.push({ base: h.baseOffset, last: lastOffsetOf(h), bytes });
    p.end = lastOffsetOf(h) + 1n;
    this.writes++;
  }
}
