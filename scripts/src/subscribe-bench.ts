/**
 * `pnpm bench --api records`, the Subscribe side: how fast one SDK
 * subscriber (client.subscribe, a gregor.v1.Records stream) receives and
 * acks records already in a topic, and the push latency — publish → the
 * subscriber has the record — at a fixed modest rate once it is caught up.
 */
import type { Acks, Gregor } from '@gregor/client';

export interface SubscribeThroughputResult {
  seconds: number;
  received: number;
}

/** Receives (and acks) `records` records of `topic` from the start; fails after `stallMs` without one. */
export async function benchSubscribeThroughput(client: Gregor, topic: string, records: number, stallMs: number, onProgress?: (n: number) => void): Promise<SubscribeThroughputResult> {
  const sub = client.subscribe({ group: `bench-subscribe-${topic}`, topics: [topic], start: 'earliest', maxOutstandingRecords: 10_000, maxOutstandingBytes: 64 * 1024 * 1024 });
  const t0 = performance.now();
  let received = 0;
  try {
    while (received < records) {
      const r = await sub.next(stallMs);
      if (r === undefined) throw new Error(`subscribe stalled: received ${received} of ${records} records, then nothing for ${stallMs} ms`);
      r.ack();
      received++;
      if (received % 100_000 === 0) onProgress?.(received);
    }
    return { seconds: (performance.now() - t0) / 1000, received };
  } finally {
    await sub.close();
  }
}

/**
 * Push latency: a subscriber caught up at the end of `topic`, then `rate`
 * records/s for `seconds` from an SDK producer (linger 0), each carrying its
 * index. Milliseconds from send to the subscriber's receipt (the produce
 * path with its acks is inside: that is when a record can be pushed).
 */
export async function benchPushLatency(client: Gregor, topic: string, partitions: number, acks: Acks, rate: number, seconds: number): Promise<number[]> {
  let owned = 0;
  const sub = client.subscribe({ group: `bench-push-${topic}`, topics: [topic], start: 'latest', onAssignment: (tps) => (owned = tps.length) });
  const producer = client.producer({ acks, lingerMs: 0 });
  const sentAt: number[] = [];
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
        latencies.push(performance.now() - sentAt[i]!);
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
          sends.push(producer.send({ topic, value: String(i) }));
        }
        if (sentAt.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await Promise.all(sends);
    await receiving;
    return latencies.sort((a, b) => a - b);
  } finally {
    await producer.close();
    await sub.close();
  }
}
