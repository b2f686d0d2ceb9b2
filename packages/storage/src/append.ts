import { GregorError, assert } from '@gregor/common';
import { setBaseOffset, setPartitionLeaderEpoch } from '@gregor/record-batch';
import { frameBatches, type BatchFrame } from './batch-frames';
import type { AppendPart, AppendResult, PartitionCore, StoreContext } from './partition-log';

export interface AppendItem {
  core: PartitionCore;
  batches: Buffer;
  /** The leader's epoch for a leader append; undefined for a follower append. */
  leaderEpoch: number | undefined;
}

/** Where a partition's log will end once the items planned so far are written. */
interface Tail {
  nextOffset: bigint;
  epoch: number;
}

/**
 * Appends items (one or many partitions) in one LevelDB write. Everything
 * that can fail is checked before any offset is assigned or any byte is
 * rewritten, so a rejected call leaves every partition as it was. Unless a
 * truncation is running, the function reaches the queue without awaiting:
 * offsets follow call order, and the caller may have many appends in flight.
 */
export async function appendItems(ctx: StoreContext, items: AppendItem[]): Promise<AppendResult[]> {
  if (items.length === 0) return [];
  for (let waiting = items.find((i) => i.core.barrier !== undefined); waiting !== undefined; ) {
    await waiting.core.waitForBarrier();
    waiting = items.find((i) => i.core.barrier !== undefined);
  }

  const tails = new Map<PartitionCore, Tail>();
  const planned = items.map((item) => {
    assert(item.core.ctx === ctx, 'append to a partition of another LogStore');
    item.core.checkWritable();
    const frames = frameBatches(item.batches, item.core.context);
    let tail = tails.get(item.core);
    if (tail === undefined) {
      tail = { nextOffset: item.core.nextOffset, epoch: item.core.assignedEpoch };
      tails.set(item.core, tail);
    }
    const baseOffset = tail.nextOffset;
    if (item.leaderEpoch === undefined) planFollower(item.core, tail, frames);
    else planLeader(item.core, tail, frames, item.leaderEpoch);
    return { item, frames, result: summarize(baseOffset, tail.nextOffset - 1n, item.batches, frames) };
  });
  let bytes = 0;
  for (const item of items) bytes += item.batches.length;
  ctx.checkCapacity(bytes);

  // Nothing below can fail: commit the plan.
  const parts: AppendPart[] = [];
  for (const { item, frames } of planned) {
    if (item.leaderEpoch !== undefined) {
      for (const f of frames) {
        setBaseOffset(item.batches, f.baseOffset, f.pos);
        setPartitionLeaderEpoch(item.batches, item.leaderEpoch, f.pos);
      }
    }
    parts.push({ core: item.core, buf: item.batches, frames });
  }
  for (const [core, tail] of tails) {
    core.nextOffset = tail.nextOffset;
    core.assignedEpoch = tail.epoch;
  }
  return ctx.appendParts(
    parts,
    bytes,
    planned.map((p) => p.result),
  );
}

function planLeader(core: PartitionCore, tail: Tail, frames: BatchFrame[], leaderEpoch: number): void {
  if (!Number.isInteger(leaderEpoch) || leaderEpoch < 0 || leaderEpoch > 0x7fff_ffff) {
    throw new GregorError('INVALID_REQUEST', `leader epoch ${leaderEpoch} is not a valid epoch`, core.context);
  }
  // A leader of an older epoch must not write behind a newer one (KIP-101 relies on epochs only growing).
  if (leaderEpoch < tail.epoch) {
    throw new GregorError('FENCED_LEADER_EPOCH', `append in leader epoch ${leaderEpoch}, the log is at epoch ${tail.epoch}`, core.context);
  }
  for (const f of frames) {
    f.baseOffset = tail.nextOffset;
    f.partitionLeaderEpoch = leaderEpoch;
    tail.nextOffset += BigInt(f.lastOffsetDelta) + 1n;
  }
  tail.epoch = leaderEpoch;
}

function planFollower(core: PartitionCore, tail: Tail, frames: BatchFrame[]): void {
  for (const f of frames) {
    if (f.baseOffset !== tail.nextOffset) {
      throw new GregorError('OFFSET_OUT_OF_RANGE', `follower batch starts at ${f.baseOffset}, the log continues at ${tail.nextOffset}`, {
        ...core.context,
        expectedOffset: tail.nextOffset,
      });
    }
    tail.nextOffset = f.baseOffset + BigInt(f.lastOffsetDelta) + 1n;
  }
  // Kafka's epoch-cache rule (see assignEpoch) makes the last batch's epoch the latest.
  for (const f of frames) if (f.partitionLeaderEpoch >= 0) tail.epoch = f.partitionLeaderEpoch;
}

function summarize(baseOffset: bigint, lastOffset: bigint, buf: Buffer, frames: readonly BatchFrame[]): AppendResult {
  let maxTimestamp = -1n;
  let recordCount = 0;
  for (const f of frames) {
    if (f.maxTimestamp > maxTimestamp) maxTimestamp = f.maxTimestamp;
    recordCount += f.recordCount;
  }
  return { baseOffset, lastOffset, maxTimestamp, recordCount, bytes: buf.length };
}
