/**
 * `pnpm bench --api records`, the Subscribe side: how fast one SDK
 * subscriber (client.subscribe, a gregor.v1.Records stream) receives and
 * acks records already in a topic, and the push latency — publish → the
 * subscriber has the record — at a fixed modest rate once it is caught up.
 */
import { hostMonotonicMs } from '@gregor/common';
import type { Acks, Gregor } from '@gregor/client';
import type { PushedRecord } from './latency-breakdown';

export interface SubscribeThroughputResult {
  /** From the first record received to the last (joining the group is not in it: see joinMs). */
  seconds: number;
  received: number;
  /** From opening the stream to its first record: the group join (group.initial.rebalance.delay.ms and all). */
  joinMs: number;
}

/**
 * Receives (and acks) `records` records of `topic` from the start; fails
 * after `stallMs` without one. `onFirstRecord` runs when the first record
 * is in (the bench starts its CPU counters there).
 */
export async function benchSubscribeThroughput(
  client: Gregor,
  topic: string,
  records: number,
  stallMs: number,
  onProgress?: (n: number) => void,
  onFirstRecord?: () => void,
  /** Tells apart the groups of several passes over one topic (each pass reads from the start). */
  pass = '',
): Promise<SubscribeThroughputResult> {
  const sub = client.subscribe({ group: `bench-subscribe-${topic}${pass === '' ? '' : `-${pass}`}`, topics: [topic], start: 'earliest', maxOutstandingRecords: 10_000, maxOutstandingBytes: 64 * 1024 * 1024 });
  const t0 = performance.now();
  let first: number | undefined;
  let received = 0;
  try {
    while (received < records) {
      const r = await sub.next(stallMs);
      if (r === undefined) throw new Error(`subscribe stalled: received ${received} of ${records} records, then nothing for ${stallMs} ms`);
      if (first === undefined) {
        first = performance.now();
        onFirstRecord?.();
      }
      r.ack();
      received++;
      if (received % 100_000 === 0) onProgress?.(received);
    }
    return { seconds: (performance.now() - first!) / 1000, received, joinMs: first! - t0 };
  } finally {
    await sub.close();
  }
}

/**
 * Push latency: a subscriber caught up at the end of `topic`, then `rate`
 * records/s for `seconds` from an SDK producer (linger 0), each carrying its
 * index; per record when it was sent, acked and received, on the host's
 * monotonic clock (the nodes' produce traces use the same: pushBreakdown
 * joins them). `beforeSending` runs once the subscriber owns every
 * partition, right before the first send (the bench starts the nodes'
 * trace window there).
 */
export async function benchPushLatency(
  client: Gregor,
  topic: string,
  partitions: number,
  acks: Acks,
  rate: number,
  seconds: number,
  beforeSending: () => Promise<void> = async () => undefined,
): Promise<PushedRecord[]> {
  let owned = 0;
  const sub = client.subscribe({ group: `bench-push-${topic}`, topics: [topic], start: 'latest', onAssignment: (tps) => (owned = tps.length) });
  const producer = client.producer({ acks, lingerMs: 0 });
  const sentAt: number[] = [];
  const ackedAt: number[] = [];
  const out: PushedRecord[] = [];
  try {
    const joinDeadline = performance.now() + 60_000;
    while (owned < partitions) {
      if (performance.now() > joinDeadline) throw new Error(`the push-latency subscriber owns ${owned} of ${partitions} partitions after 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await beforeSending();
    const total = rate * seconds;
    const received: { i: number; partition: number; offset: bigint; at: number }[] = [];
    const receiving = (async () => {
      while (received.length < total) {
        const r = await sub.next(30_000);
        if (r === undefined) throw new Error(`push latency: received ${received.length} of ${total} records, then nothing for 30 s`);
        received.push({ i: Number(r.value!.toString()), partition: r.partition, offset: r.offset, at: hostMonotonicMs() });
        r.ack();
      }
    })();
    const perTick = Math.max(1, Math.round(rate / 100));
    const sends: Promise<unknown>[] = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let k = 0; k < perTick && sentAt.length < total; k++) {
          const i = sentAt.length;
          sentAt.push(hostMonotonicMs());
          sends.push(producer.send({ topic, value: String(i) }).then(() => void (ackedAt[i] = hostMonotonicMs())));
        }
        if (sentAt.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await Promise.all(sends);
    await receiving;
    for (const r of received) out.push({ partition: r.partition, offset: r.offset, sentMs: sentAt[r.i]!, ackedMs: ackedAt[r.i]!, receivedMs: r.at });
    return out;
  } finally {
    await producer.close();
    await sub.close();
  }
}
