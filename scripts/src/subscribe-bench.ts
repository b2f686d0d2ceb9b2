/**
 * `pnpm bench --api records`, the Subscribe side: how fast one SDK
 * subscriber (client.subscribe, a gregor.v1.Records stream) receives and
 * acks records already in a topic, and the push latency — publish → the
 * subscriber has the record — at a fixed modest rate once it is caught up.
 */
import type { Acks, Gregor } from '@gregor/client';

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
): Promise<SubscribeThroughputResult> {
  const sub = client.subscribe({ group: `bench-subscribe-${topic}`, topics: [topic], start: 'earliest', maxOutstandingRecords: 10_000, maxOutstandingBytes: 64 * 1024 * 1024 });
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

export interface PushLatencies {
  /** Per record, ms from the producer's send to the subscriber's receipt (the produce path with its acks is inside). */
  fromSend: number[];
  /**
   * Per record, ms from the producer's ack (the record is committed: the
   * high watermark passed it) to the subscriber's receipt — the Subscribe
   * path alone; 0 when the push came first (it may: the ack and the push
   * leave the leader at the same moment).
   */
  fromAck: number[];
}

/**
 * Push latency: a subscriber caught up at the end of `topic`, then `rate`
 * records/s for `seconds` from an SDK producer (linger 0), each carrying its
 * index; both measures of PushLatencies, sorted.
 */
export async function benchPushLatency(client: Gregor, topic: string, partitions: number, acks: Acks, rate: number, seconds: number): Promise<PushLatencies> {
  let owned = 0;
  const sub = client.subscribe({ group: `bench-push-${topic}`, topics: [topic], start: 'latest', onAssignment: (tps) => (owned = tps.length) });
  const producer = client.producer({ acks, lingerMs: 0 });
  const sentAt: number[] = [];
  const ackedAt: number[] = [];
  const receivedAt: number[] = [];
  const latencies: number[] = [];
  try {
    const joinDeadline = performance.now() + 60_000;
    while (owned < partitions) {
      if (performance.now() > joinDeadline) throw new Error(`the push-latency subscriber owns ${owned} of ${partitions} partitions after 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const total = rate * seconds;
    const receiving = (async () => {
      while (latencies.length < total) {
        const r = await sub.next(30_000);
        if (r === undefined) throw new Error(`push latency: received ${latencies.length} of ${total} records, then nothing for 30 s`);
        const i = Number(r.value!.toString());
        receivedAt[i] = performance.now();
        latencies.push(receivedAt[i]! - sentAt[i]!);
        r.ack();
      }
    })();
    const perTick = Math.max(1, Math.round(rate / 100));
    const sends: Promise<unknown>[] = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let k = 0; k < perTick && sentAt.length < total; k++) {
          const i = sentAt.length;
          sentAt.push(performance.now());
          sends.push(producer.send({ topic, value: String(i) }).then(() => void (ackedAt[i] = performance.now())));
        }
        if (sentAt.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await Promise.all(sends);
    await receiving;
    const fromAck = receivedAt.map((at, i) => Math.max(0, at - ackedAt[i]!));
    return { fromSend: latencies.sort((a, b) => a - b), fromAck: fromAck.sort((a, b) => a - b) };
  } finally {
    await producer.close();
    await sub.close();
  }
}
