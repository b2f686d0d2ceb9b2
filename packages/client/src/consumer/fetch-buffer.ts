import type { ConsumerRecord } from '../types';
import type { PartitionState } from './partition-state';

/** Records of one fetch response for one partition. */
interface Chunk {
  state: PartitionState;
  /** The partition's epoch when fetched; a seek since then makes the chunk stale. */
  epoch: number;
  records: ConsumerRecord[];
  next: number;
  /** Fetched bytes it stands for (counted in state.bufferedBytes until consumed). */
  bytes: number;
}

/**
 * Fetched records waiting for the application, as a queue of per-partition
 * chunks in arrival order: records of one partition come out in offset
 * order, partitions interleave by fetch. Its size is bounded by the fetcher,
 * which fetches a partition only while little of it is buffered.
 */
export class FetchBuffer {
  private chunks: Chunk[] = [];

  constructor(private readonly onChunkConsumed: () => void) {}

  push(state: PartitionState, records: ConsumerRecord[], bytes: number): void {
    if (records.length === 0) return;
    state.bufferedBytes += bytes;
    this.chunks.push({ state, epoch: state.epoch, records, next: 0, bytes });
  }

  /** Takes up to `max` records; advances each partition's position past what it returns. */
  take(max: number): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    while (out.length < max) {
      const chunk = this.nextChunk();
      if (chunk === undefined) break;
      const n = Math.min(max - out.length, chunk.records.length - chunk.next);
      for (let i = 0; i < n; i++) out.push(chunk.records[chunk.next + i]!);
      chunk.next += n;
      chunk.state.position = chunk.records[chunk.next - 1]!.offset + 1n;
      if (chunk.next === chunk.records.length) this.finish(chunk);
    }
    return out;
  }

  takeOne(): ConsumerRecord | undefined {
    const chunk = this.nextChunk();
    if (chunk === undefined) return undefined;
    const record = chunk.records[chunk.next++]!;
    chunk.state.position = record.offset + 1n;
    if (chunk.next === chunk.records.length) this.finish(chunk);
    return record;
  }

  /** Drops what is buffered for a partition (seek, unassign). */
  removePartition(key: string): void {
    this.chunks = this.chunks.filter((c) => c.state.key !== key);
  }

  /** Whether a record could be taken now. */
  hasReady(): boolean {
    return this.nextChunk() !== undefined;
  }

  /** The first chunk of a non-paused partition, dropping stale ones on the way. */
  private nextChunk(): Chunk | undefined {
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (c.epoch !== c.state.epoch) {
        this.chunks.splice(i--, 1);
        continue;
      }
      if (!c.state.paused) return c;
    }
    return undefined;
  }

  private finish(chunk: Chunk): void {
    const i = this.chunks.indexOf(chunk);
    if (i >= 0) this.chunks.splice(i, 1);
    chunk.state.bufferedBytes = Math.max(0, chunk.state.bufferedBytes - chunk.bytes);
    this.onChunkConsumed();
  }
}
