import { GregorError, tpKey } from '@gregor/common';
import { readBatchHeader, lastOffsetOf, setBaseOffset, setPartitionLeaderEpoch, validateRecordBatches } from '@gregor/record-batch';
import type { AppendRequest, AppendResult, LogStorePort, PartitionLogPort, ReadResult, RetentionLimits } from '@gregor/broker';

/**
 * A test double of @gregor/storage's LogStore with the same contract, used
 * to inject storage faults (failAppends) that a real LevelDB will not
 * produce on demand. The real store is exercised by the node tests.
 */
export class MemoryLog implements PartitionLogPort {
  batches: { base: bigint; last: bigint; maxTs: bigint; bytes: Buffer }[] = [];
  logStartOffset = 0n;
  logEndOffset = 0n;
  highWatermark = 0n;

  setHighWatermark(offset: bigint): void {
    this.highWatermark = offset;
  }

  append(buf: Buffer, leaderEpoch: number): AppendResult {
    const copy = Buffer.from(buf);
    const found = validateRecordBatches(copy, { origin: 'client' });
    const baseOffset = this.logEndOffset;
    let maxTimestamp = -1n;
    let recordCount = 0;
    for (const b of found) {
      setBaseOffset(copy, this.logEndOffset, b.pos);
      setPartitionLeaderEpoch(copy, leaderEpoch, b.pos);
      const h = readBatchHeader(copy, b.pos);
      const last = lastOffsetOf(h);
      this.batches.push({ base: h.baseOffset, last, maxTs: h.maxTimestamp, bytes: copy.subarray(b.pos, b.pos + b.size) });
      this.logEndOffset = last + 1n;
      if (h.maxTimestamp > maxTimestamp) maxTimestamp = h.maxTimestamp;
      recordCount += h.recordCount;
    }
    return { baseOffset, lastOffset: this.logEndOffset - 1n, maxTimestamp, recordCount, bytes: copy.length };
  }

  async read(fetchOffset: bigint, maxBytes: number, maxOffset = this.logEndOffset): Promise<ReadResult> {
    if (fetchOffset < this.logStartOffset || fetchOffset > this.logEndOffset) {
      throw new GregorError('OFFSET_OUT_OF_RANGE', `offset ${fetchOffset} is outside [${this.logStartOffset}, ${this.logEndOffset}]`);
    }
    const out: Buffer[] = [];
    let size = 0;
    for (const b of this.batches) {
      if (b.last < fetchOffset || b.base >= maxOffset) continue;
      if (out.length > 0 && size + b.bytes.length > maxBytes) break;
      out.push(b.bytes);
      size += b.bytes.length;
    }
    return { records: Buffer.concat(out), logStartOffset: this.logStartOffset, logEndOffset: this.logEndOffset };
  }

  async offsetForTimestamp(ts: bigint): Promise<{ offset: bigint; timestamp: bigint } | undefined> {
    const b = this.batches.find((x) => x.maxTs >= ts);
    return b === undefined ? undefined : { offset: b.base, timestamp: b.maxTs };
  }

  async applyRetention(limits: RetentionLimits, nowMs: number): Promise<number> {
    let removed = 0;
    while (this.batches.length > 0 && limits.retentionMs >= 0 && this.batches[0]!.maxTs < BigInt(nowMs - limits.retentionMs) && this.batches[0]!.last < this.highWatermark) {
      this.logStartOffset = this.batches.shift()!.last + 1n;
      removed++;
    }
    return removed;
  }
}

export class MemoryStore implements LogStorePort<MemoryLog> {
  readonly logs = new Map<string, MemoryLog>();
  failAppends = false;
  appendCalls = 0;

  async openPartition(topic: string, partition: number): Promise<MemoryLog> {
    const key = tpKey(topic, partition);
    let log = this.logs.get(key);
    if (log === undefined) this.logs.set(key, (log = new MemoryLog()));
    return log;
  }

  getPartition(topic: string, partition: number): MemoryLog | undefined {
    return this.logs.get(tpKey(topic, partition));
  }

  listPartitions(): { topic: string; partition: number }[] {
    return [...this.logs.keys()].map((k) => {
      const i = k.lastIndexOf('-');
      return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
    });
  }

  async deletePartition(topic: string, partition: number): Promise<void> {
    this.logs.delete(tpKey(topic, partition));
  }

  async appendMany(requests: AppendRequest<MemoryLog>[]): Promise<AppendResult[]> {
    this.appendCalls++;
    if (this.failAppends) throw new Error('disk on fire');
    return requests.map((r) => r.log.append(r.batches, r.leaderEpoch));
  }
}
