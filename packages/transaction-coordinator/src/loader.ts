import type { TxnRecord } from './records';
import type { TxnMetadata } from './types';

/**
 * Rebuilds a shard's state from its __transaction_state partition, read
 * from the log start: the latest record per transactional id counts and a
 * tombstone forgets it, exactly what compaction would leave — so loading
 * is correct whether or not the log was compacted.
 */
export class TransactionLoader {
  private readonly latest = new Map<string, TxnMetadata | null>();
  private replayed = 0;

  replay(record: TxnRecord): void {
    this.latest.set(record.transactionalId, record.value);
    this.replayed++;
  }

  get recordsReplayed(): number {
    return this.replayed;
  }

  /** The live transactional ids' metadata. */
  state(): TxnMetadata[] {
    const out: TxnMetadata[] = [];
    for (const m of this.latest.values()) if (m !== null) out.push(m);
    return out;
  }
}
