/**
 * The safety rules a partition test checks, as pure functions over what the
 * workload was told (acknowledged offsets, records consumed) and what the
 * replicas hold. Each returns human-readable violations; [] means safe.
 * Record values are "<partition>:<seq>", seq counting up from 0 per partition
 * in send order.
 */

export interface LogRecord {
  offset: bigint;
  value: string;
}

/** One replica's copy of a partition: its batches in offset order, as stored. */
export interface ReplicaLog {
  node: number;
  batches: readonly { baseOffset: bigint; bytes: Buffer }[];
}

/** The seq of a value this workload wrote to `partition`, or undefined if it is not one. */
export function seqOf(value: string, partition: number): number | undefined {
  const m = /^(\d+):(\d+)$/.exec(value);
  if (m === null || Number(m[1]) !== partition) return undefined;
  return Number(m[2]);
}

/** At most this many violations of one kind are listed; the rest are counted. */
const MAX_LISTED = 5;

function listed(kind: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  const more = items.length > MAX_LISTED ? ` and ${items.length - MAX_LISTED} more` : '';
  return [`${kind}: ${items.slice(0, MAX_LISTED).join(', ')}${more}`];
}

/**
 * A partition's log (read back from a replica or a consumer) against what was
 * sent and acknowledged: nothing that was never sent, no seq twice, seqs in
 * send order, and every acknowledged record at the offset its ack named.
 */
export function checkPartitionLog(
  partition: number,
  log: readonly LogRecord[],
  acked: ReadonlyMap<number, bigint>,
  sentCount: number,
): string[] {
  const where = `partition ${partition}`;
  const bySeq = new Map<number, bigint>();
  const neverSent: string[] = [];
  const duplicated: string[] = [];
  const outOfOrder: string[] = [];
  let lastSeq = -1;
  let lastOffset = -1n;
  for (const r of log) {
    if (r.offset <= lastOffset) outOfOrder.push(`offset ${r.offset} after ${lastOffset}`);
    lastOffset = r.offset;
    const seq = seqOf(r.value, partition);
    if (seq === undefined || seq >= sentCount) {
      neverSent.push(`"${r.value}" at ${r.offset}`);
      continue;
    }
    const earlier = bySeq.get(seq);
    if (earlier !== undefined) duplicated.push(`seq ${seq} at ${earlier} and ${r.offset}`);
    else bySeq.set(seq, r.offset);
    if (seq < lastSeq) outOfOrder.push(`seq ${seq} at ${r.offset} after seq ${lastSeq}`);
    lastSeq = Math.max(lastSeq, seq);
  }
  const lost: string[] = [];
  const moved: string[] = [];
  for (const [seq, offset] of acked) {
    const found = bySeq.get(seq);
    if (found === undefined) lost.push(`seq ${seq} (acked at ${offset})`);
    else if (found !== offset) moved.push(`seq ${seq} acked at ${offset}, found at ${found}`);
  }
  return [
    ...listed(`${where}: never sent`, neverSent),
    ...listed(`${where}: duplicated`, duplicated),
    ...listed(`${where}: out of order`, outOfOrder),
    ...listed(`${where}: acknowledged but lost`, lost),
    ...listed(`${where}: acknowledged at another offset`, moved),
  ];
}

/** Records a consumer saw must be in the log as it was seen: a consumer reads only what is committed. */
export function checkConsumed(partition: number, consumed: readonly LogRecord[], log: readonly LogRecord[]): string[] {
  const byOffset = new Map(log.map((r) => [r.offset, r.value]));
  const gone: string[] = [];
  for (const r of consumed) {
    const now = byOffset.get(r.offset);
    if (now !== r.value) gone.push(`"${r.value}" at ${r.offset} (now ${now === undefined ? 'absent' : `"${now}"`})`);
  }
  return listed(`partition ${partition}: consumed, then gone from the log`, gone);
}

/**
 * How the replicas of one partition differ, or undefined when every replica
 * holds the same batches, byte for byte. A replica that is a strict prefix of
 * another only lags (the caller may look again); different bytes at the same
 * position is a divergence.
 */
export function replicaDifference(partition: number, replicas: readonly ReplicaLog[]): { kind: 'lag' | 'divergence'; detail: string } | undefined {
  const [first, ...rest] = replicas;
  if (first === undefined) return undefined;
  let lag: string | undefined;
  for (const other of rest) {
    const n = Math.min(first.batches.length, other.batches.length);
    for (let i = 0; i < n; i++) {
      const a = first.batches[i]!;
      const b = other.batches[i]!;
      if (a.baseOffset !== b.baseOffset || !a.bytes.equals(b.bytes)) {
        return {
          kind: 'divergence',
          detail: `partition ${partition}: node ${first.node} and node ${other.node} differ at batch ${i} (base offsets ${a.baseOffset} and ${b.baseOffset})`,
        };
      }
    }
    if (first.batches.length !== other.batches.length) {
      lag ??= `partition ${partition}: node ${first.node} has ${first.batches.length} batches, node ${other.node} ${other.batches.length}`;
    }
  }
  return lag === undefined ? undefined : { kind: 'lag', detail: lag };
}
