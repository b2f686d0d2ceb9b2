/**
 * The CDC source's resume after a restart, at the pgoutput-message level:
 * binary pgoutput messages (as PostgreSQL sends them) are decoded by
 * pg-logical-replication's parser and fed to CdcResumeFilter, the one place
 * that decides what the restarted stream hands out again. PostgreSQL resends
 * every transaction whose commit is at or after the start point, so the
 * filter must skip the one committing at the start point and the stored part
 * of the partly sent one — and only a later commit may end the skipping
 * (session 6's exactly-once duplicates came from the resent transaction's
 * commit ending it).
 */
import fc from 'fast-check';
import { PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { CdcResumeFilter, formatLsn, parseLsn, type ResumePoint } from '@gregor/connect';

const RELATION_OID = 16384;

function u8(n: number): Buffer {
  return Buffer.from([n]);
}
function i16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function i32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}
function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), u8(0)]);
}
const tag = (c: string): Buffer => Buffer.from(c, 'ascii');

/** pgoutput v1 messages (PostgreSQL's "Logical Replication Message Formats"). */
const wire = {
  begin: (commitLsn: bigint, xid: number) => Buffer.concat([tag('B'), u64(commitLsn), u64(0n), i32(xid)]),
  relation: () => Buffer.concat([tag('R'), i32(RELATION_OID), cstr('public'), cstr('items'), tag('d'), i16(1), u8(1), cstr('id'), i32(25), i32(-1)]),
  insert: (id: string) => Buffer.concat([tag('I'), i32(RELATION_OID), tag('N'), i16(1), tag('t'), i32(Buffer.byteLength(id)), Buffer.from(id)]),
  commit: (commitLsn: bigint) => Buffer.concat([tag('C'), u8(0), u64(commitLsn), u64(commitLsn + 8n), u64(0n)]),
};

/** A transaction as PostgreSQL decodes it: its changes' LSNs (ascending) and its commit LSN (above them). */
interface Txn {
  readonly xid: number;
  readonly changes: readonly bigint[];
  readonly commitLsn: bigint;
}

const changeId = (t: Txn, i: number): string => `${t.xid}:${i}`;

/**
 * What PostgreSQL sends after START_REPLICATION at `start`: every transaction
 * whose commit is at or after it, whole and in commit order — decoded by the
 * library's parser (one per connection) and passed through the filter; returns
 * the changes handed out.
 */
function restartedStream(txns: readonly Txn[], point: ResumePoint): string[] {
  const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: ['p'] });
  const filter = new CdcResumeFilter(point);
  const feed = (lsn: bigint, bytes: Buffer): Pgoutput.Message & { keep: boolean } => {
    const msg = plugin.parse(bytes);
    return Object.assign(msg, { keep: filter.accept(formatLsn(lsn), msg) });
  };
  const start = parseLsn(point.startLsn);
  const out: string[] = [];
  let relationSent = false;
  for (const t of [...txns].sort((a, b) => (a.commitLsn < b.commitLsn ? -1 : 1))) {
    if (t.commitLsn < start) continue;
    feed(t.changes[0] ?? t.commitLsn, wire.begin(t.commitLsn, t.xid));
    if (!relationSent && t.changes.length > 0) {
      feed(0n, wire.relation());
      relationSent = true;
    }
    t.changes.forEach((lsn, i) => {
      const msg = feed(lsn, wire.insert(changeId(t, i)));
      expect(msg.tag).toBe('insert');
      if (msg.keep) out.push(String((msg as Pgoutput.MessageInsert).new['id']));
    });
    feed(t.commitLsn, wire.commit(t.commitLsn));
  }
  return out;
}

describe('CdcResumeFilter (pgoutput messages of a restarted stream)', () => {
  // T1 commits at 0/30; T2 (partly sent: up to its change at 0/50) commits at
  // 0/70; T3 wrote a change at 0/18, below T2's stored change, and commits last.
  const t1: Txn = { xid: 100, changes: [0x10n, 0x20n], commitLsn: 0x30n };
  const t2: Txn = { xid: 101, changes: [0x40n, 0x50n, 0x60n], commitLsn: 0x70n };
  const t3: Txn = { xid: 102, changes: [0x18n], commitLsn: 0x80n };

  it('skips the transaction committing at the start point and the stored part of the partly sent one', () => {
    const after = restartedStream([t1, t2, t3], { startLsn: '0/30', inside: { txId: 101, lsnChange: '0/50' } });
    expect(after).toEqual(['101:2', '102:0']);
  });

  it('keeps skipping the partly sent transaction after the resent one commits (only a later commit ends it)', () => {
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: ['p'] });
    const filter = new CdcResumeFilter({ startLsn: '0/30', inside: { txId: 101, lsnChange: '0/50' } });
    const accept = (lsn: bigint, bytes: Buffer): boolean => filter.accept(formatLsn(lsn), plugin.parse(bytes));
    accept(0x10n, wire.begin(0x30n, 100));
    accept(0n, wire.relation());
    expect(accept(0x10n, wire.insert('100:0'))).toBe(false);
    expect(accept(0x30n, wire.commit(0x30n))).toBe(true);
    expect(filter.skippingInside).toBe(true);
    accept(0x40n, wire.begin(0x70n, 101));
    expect(accept(0x40n, wire.insert('101:0'))).toBe(false);
    expect(accept(0x60n, wire.insert('101:2'))).toBe(true);
    accept(0x70n, wire.commit(0x70n));
    expect(filter.skippingInside).toBe(false);
  });

  it('hands out everything when nothing was stored (a fresh slot)', () => {
    expect(restartedStream([t1, t2, t3], { startLsn: '0/8' })).toEqual(['100:0', '100:1', '101:0', '101:1', '101:2', '102:0']);
  });

  /**
   * Property: a crash after any number of handed-out changes, with the offset
   * the task stores for the last one ({lsn: the last commit queued before it,
   * lsn_change, txId}) and the slot acknowledged at any commit handed out with
   * it: what was handed out before plus what the restarted stream hands out is
   * every change exactly once, in order.
   */
  it('before the crash + after the restart = every change once, for any WAL interleaving and crash point', () => {
    const wal = fc
      .record({
        sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
        order: fc.array(fc.nat(5), { maxLength: 30 }),
        cut: fc.nat(),
        ack: fc.nat(),
      })
      .map(({ sizes, order, cut, ack }) => ({ txns: interleave(sizes, order), cut, ack }));
    fc.assert(
      fc.property(wal, ({ txns, cut, ack }) => {
        const stream = [...txns].sort((a, b) => (a.commitLsn < b.commitLsn ? -1 : 1));
        // The stream as the task receives it: changes and commit markers in order.
        const events = stream.flatMap((t) => [...t.changes.map((lsn, i) => ({ t, i, lsn })), { t, i: -1, lsn: t.commitLsn }]);
        const all = events.filter((e) => e.i >= 0).map((e) => changeId(e.t, e.i));
        const handed = cut % (all.length + 1);
        const initial = 0x8n;
        let startLsn = initial;
        let inside: ResumePoint['inside'];
        if (handed > 0) {
          let seen = 0;
          let lastCommit: bigint | undefined;
          const commitsAfterLast: bigint[] = [];
          for (const e of events) {
            if (e.i < 0) {
              if (seen < handed) lastCommit = e.t.commitLsn;
              else commitsAfterLast.push(e.t.commitLsn);
              continue;
            }
            if (seen === handed) break;
            seen++;
            if (seen === handed) {
              startLsn = lastCommit ?? initial;
              inside = { txId: e.t.xid, lsnChange: formatLsn(e.lsn) };
            }
          }
          // commit() may have acknowledged commit markers polled right after the last record (before the next change).
          const acked = [lastCommit ?? initial, ...commitsAfterLast];
          const ackedLsn = acked[ack % acked.length]!;
          if (ackedLsn > startLsn) startLsn = ackedLsn; // PostgreSQL starts at the later of the two
        }
        const after = restartedStream(txns, { startLsn: formatLsn(startLsn), ...(inside !== undefined ? { inside } : {}) });
        expect([...all.slice(0, handed), ...after]).toEqual(all);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * Transactions whose WAL records interleave as `order` says: each entry picks
 * a transaction (index mod count) whose next record (a change, then its
 * commit) is written next; the rest follow in transaction order. LSN = 16 ×
 * the record's position.
 */
function interleave(sizes: readonly number[], order: readonly number[]): Txn[] {
  const changes = sizes.map(() => [] as bigint[]);
  const commits: (bigint | undefined)[] = sizes.map(() => undefined);
  let pos = 1n;
  const write = (t: number): void => {
    if (commits[t] !== undefined) return;
    if (changes[t]!.length < sizes[t]!) changes[t]!.push(16n * pos++);
    else commits[t] = 16n * pos++;
  };
  for (const o of order) write(o % sizes.length);
  for (let t = 0; t < sizes.length; t++) while (commits[t] === undefined) write(t);
  return sizes.map((_, t) => ({ xid: 1000 + t, changes: changes[t]!, commitLsn: commits[t]! }));
}
