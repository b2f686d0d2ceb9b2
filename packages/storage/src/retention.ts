/**
 * Which leading batches retention removes: a pure decision fed one batch at a
 * time (oldest first), so the I/O layer can stream the log in bounded chunks.
 */
export interface RetentionPolicy {
  /** Keep batches whose newest record is younger than this; -1 = forever. */
  retentionMs: number;
  /** Trim the oldest batches while the partition is bigger than this; -1 = no limit. */
  retentionBytes: number;
}

export interface BatchSummary {
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  sizeBytes: number;
}

export interface RetentionState {
  /** Time retention stops at the first batch it must keep, as Kafka's does at a segment. */
  timeDone: boolean;
  /** Partition size if everything decided so far is deleted. */
  remainingBytes: number;
}

export interface RetentionContext {
  policy: RetentionPolicy;
  nowMs: number;
  highWatermark: bigint;
}

export const initialRetentionState = (sizeBytes: number): RetentionState => ({ timeDone: false, remainingBytes: sizeBytes });

/**
 * Deletes `batch` when it lies wholly below the high watermark (consumers
 * may not have seen anything at or above it) and either its newest timestamp
 * is older than nowMs - retentionMs or the partition is still above
 * retentionBytes. The caller stops at the first batch this keeps.
 */
export function retentionStep(
  state: RetentionState,
  batch: BatchSummary,
  ctx: RetentionContext,
): { delete: boolean; state: RetentionState } {
  if (batch.lastOffset >= ctx.highWatermark) return { delete: false, state };
  const { retentionMs, retentionBytes } = ctx.policy;
  const byTime = !state.timeDone && retentionMs >= 0 && batch.maxTimestamp < BigInt(ctx.nowMs - retentionMs);
  const bySize = retentionBytes >= 0 && state.remainingBytes > retentionBytes;
  const timeDone = state.timeDone || !byTime;
  if (!byTime && !bySize) return { delete: false, state: { ...state, timeDone } };
  return { delete: true, state: { timeDone, remainingBytes: state.remainingBytes - batch.sizeBytes } };
}
