import type { Pgoutput } from 'pg-logical-replication';
import { parseLsn } from './pg-values';

/** Where a change stream resumes: the stored offset's `lsn`, and the partly sent transaction (`txId`, `lsn_change`) if any. */
export interface ResumePoint {
  /** The LSN given to START_REPLICATION: the commit LSN of the last transaction fully handed out (or the slot's start). */
  readonly startLsn: string;
  /** The transaction that was partly handed out before the restart, and the LSN of its last change stored. */
  readonly inside?: { readonly txId: number; readonly lsnChange: string };
}

/**
 * Decides which changes of a restarted pgoutput stream are handed out again
 * (pure: pgoutput messages in, keep/skip out). PostgreSQL's decoder skips
 * only transactions whose commit record lies *before* the start point
 * (snapbuild.c, SnapBuildXactNeedsSkip), so after a restart it resends
 * (a) the transaction committing at the start point itself — every record of
 * it was handed out already — and then (b) the transaction that was partly
 * handed out, whose changes up to the stored `lsn_change` were stored. Both
 * are skipped here. Only a commit *after* the start point ends (b): the
 * commit of (a) comes first and must not, or (b) would come again (the
 * exactly-once duplicates of session 6). Transactions arrive whole and in
 * commit order (pgoutput protocol version 1 does not stream open ones); a
 * later transaction may hold changes with LSNs below `lsn_change`, which is
 * why (b) is matched by transaction id.
 */
export class CdcResumeFilter {
  private readonly startLsn: bigint;
  private inside: { txId: number; lsnChange: bigint } | undefined;
  /** Commit LSN of the transaction being received (from its begin message). */
  private txnCommitLsn: bigint | undefined;
  private txnXid: number | undefined;

  constructor(point: ResumePoint) {
    this.startLsn = parseLsn(point.startLsn);
    this.inside = point.inside === undefined ? undefined : { txId: point.inside.txId, lsnChange: parseLsn(point.inside.lsnChange) };
  }

  /** Whether the partly sent transaction is still being skipped (for logs and tests). */
  get skippingInside(): boolean {
    return this.inside !== undefined;
  }

  /**
   * One message of the stream, received at `lsn`: false when its changes were
   * handed out before the restart. Begin and commit messages (always true)
   * track the transaction; they must be passed in too.
   */
  accept(lsn: string, msg: Pgoutput.Message): boolean {
    switch (msg.tag) {
      case 'begin':
        this.txnXid = msg.xid;
        this.txnCommitLsn = parseLsn(msg.commitLsn ?? lsn);
        return true;
      case 'commit': {
        const commitLsn = msg.commitLsn !== null ? parseLsn(msg.commitLsn) : (this.txnCommitLsn ?? parseLsn(lsn));
        if (commitLsn > this.startLsn) this.inside = undefined;
        this.txnXid = undefined;
        this.txnCommitLsn = undefined;
        return true;
      }
      case 'insert':
      case 'update':
      case 'delete':
      case 'truncate':
        return this.keepChange(parseLsn(lsn));
      default:
        return true;
    }
  }

  private keepChange(lsn: bigint): boolean {
    if (this.txnCommitLsn !== undefined && this.txnCommitLsn <= this.startLsn) return false; // (a)
    const r = this.inside;
    return !(r !== undefined && this.txnXid === r.txId && lsn <= r.lsnChange); // (b)
  }
}
