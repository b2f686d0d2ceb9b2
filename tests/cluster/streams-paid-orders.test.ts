/**
 * Issue 15's proof on real processes for a windowed join and a windowed
 * count: the paid-orders example (examples/dist/streams/paid-orders.js —
 * orders ⋈ payments within 1 s, and orders per customer per 10 s with
 * suppression) as three instances on a real 3-node cluster, under
 * exactly_once_v2 and at_least_once, one cluster each
 * (STREAMS_GUARANTEE=… runs one). Phase 1 goes in and is processed; then, while phase 2
 * flows, one instance and one node are killed with -9. The survivors take
 * the dead instance's tasks over and restore its join and window stores
 * and suppression buffer from the changelogs. Afterwards the outputs are
 * compared with a reference computed here over the same input:
 * exactly_once_v2 — read_committed, every join result and every final
 * window count exactly once and equal; at_least_once — every join result
 * present (duplicates allowed) and every window's count at least the
 * reference. Needs the built dist (`pnpm build`).
 *
 * The windows close only when stream time passes end + grace, so one
 * "closer" order per customer far later ends the input — sent once every
 * join result is out: the example does not set maxTaskIdleMs, and a
 * closer processed before the last payments would move the task's stream
 * time past the join's retention and drop them as late.
 */
import { pollUntil } from '@gregor/common';
import { terminate } from '../documented/streams-process';
import { useStreamsApps } from './streams-apps';

// Both halves of the proof, each on its own cluster (STREAMS_GUARANTEE picks one).
const GUARANTEES = process.env['STREAMS_GUARANTEE'] !== undefined ? [process.env['STREAMS_GUARANTEE']] : ['exactly_once_v2', 'at_least_once'];
// The example's windows (paid-orders.ts).
const WINDOW_MS = 10_000;
const GRACE_MS = 60_000;
const JOIN_MS = 1_000;
const CUSTOMERS = 9;
const ORDERS = 360;
const STEP_MS = 100;
const PAYMENT_DELAY_MS = 300;

interface Event {
  customer: string;
  id: string;
  timestamp: number;
}

/** Order i: customer i mod 9, every 100 ms; its payment 300 ms later. */
function makeInput(base: number): { orders: Event[]; payments: Event[] } {
  const orders = Array.from({ length: ORDERS }, (_, i) => ({ customer: `c${i % CUSTOMERS}`, id: `o${i}`, timestamp: base + i * STEP_MS }));
  return { orders, payments: orders.map((o) => ({ ...o, timestamp: o.timestamp + PAYMENT_DELAY_MS })) };
}

/** The join by its definition: every order and payment of one customer at most JOIN_MS apart. */
function referenceJoin(orders: readonly Event[], payments: readonly Event[]): string[] {
  const out: string[] = [];
  for (const o of orders) for (const p of payments) if (o.customer === p.customer && Math.abs(o.timestamp - p.timestamp) <= JOIN_MS) out.push(`${o.customer}:${o.id}+${p.id}`);
  return out.sort();
}

function referenceCounts(orders: readonly Event[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of orders) {
    const key = `${o.customer}@${o.timestamp - (o.timestamp % WINDOW_MS)}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

describe.each(GUARANTEES)('streams windowed join and windowed count under kill -9 (%s)', (GUARANTEE) => {
  const EXACT = GUARANTEE === 'exactly_once_v2';
  const apps = useStreamsApps('paid-orders');
  const withLogs = (err: Error): never => {
    throw new Error(`${err.message}\n${apps.logs()}`);
  };
  const startInstance = (name: string) => apps.start(name, { GREGOR_STREAMS_PROCESSING_GUARANTEE: GUARANTEE });

  /** Every record of the topic as `key:value` (read_committed under exactly_once_v2). */
  async function readTopic(topic: string): Promise<string[]> {
    const out: string[] = [];
    for (let partition = 0; partition < 3; partition++) {
      let from = 0n;
      for (;;) {
        const res = await apps.cluster.client.read({ topic, partition, from, maxRecords: 2000, isolationLevel: EXACT ? 'read_committed' : 'read_uncommitted' });
        for (const r of res.records) out.push(`${r.key!.toString()}:${r.value!.toString()}`);
        const end = EXACT ? res.lastStableOffset : res.highWatermark;
        if (res.nextOffset >= end || res.nextOffset === from) break;
        from = res.nextOffset;
      }
    }
    return out.sort();
  }

  async function produce(topic: string, events: readonly Event[]): Promise<void> {
    const producer = apps.cluster.client.producer({ acks: 'all', lingerMs: 5 });
    try {
      await producer.send({ topic, messages: events.map((e) => ({ key: e.customer, value: e.id, timestamp: e.timestamp })) });
    } finally {
      await producer.close();
    }
  }
  const produceBoth = async (input: { orders: Event[]; payments: Event[] }, from: number, to: number): Promise<void> => {
    await produce('order-events', input.orders.slice(from, to));
    await produce('payment-events', input.payments.slice(from, to));
  };

  /** Waits until the topic holds every expected record (and, exactly once, nothing else). */
  async function waitForJoin(expected: readonly string[], what: string): Promise<string[]> {
    const want = new Set(expected);
    return pollUntil(
      async () => {
        const got = await readTopic('paid-orders');
        return [...want].every((v) => got.includes(v)) ? got : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what },
    ).catch(withLogs);
  }

  it('joins and counts exactly like the reference through the kills', async () => {
    await apps.cluster.client.admin().createTopics(['order-events', 'payment-events', 'paid-orders', 'orders-per-10s'].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 3 })));
    // Recent event times (retention keeps them), aligned to a window.
    const base = Math.floor((Date.now() - 10 * 60_000) / WINDOW_MS) * WINDOW_MS;
    const input = makeInput(base);
    const a = startInstance('a');
    startInstance('b');
    const c = startInstance('c');
    await pollUntil(() => apps.instances.every((i) => i.log().includes('-> RUNNING')), { timeoutMs: 60_000, what: 'all three instances to be RUNNING' }).catch(withLogs);

    const half = ORDERS / 2;
    await produceBoth(input, 0, half);
    await waitForJoin(referenceJoin(input.orders.slice(0, half), input.payments.slice(0, half)), 'phase 1 join results');

    // Phase 2 flows, in chunks, around the kills.
    await produceBoth(input, half, half + 20);
    const flowing = (async () => {
      for (let from = half + 20; from < ORDERS; from += 20) await produceBoth(input, from, Math.min(ORDERS, from + 20));
    })();
    apps.instances[1]!.child.kill('SIGKILL');
    await apps.cluster.kill(2);
    await flowing;

    const join = referenceJoin(input.orders, input.payments);
    const joined = await waitForJoin(join, 'every join result after the kills');
    // Closers: one order per customer far past every window's end + grace.
    const closeAt = base + ORDERS * STEP_MS + GRACE_MS + 2 * WINDOW_MS;
    await produce('order-events', Array.from({ length: CUSTOMERS }, (_, i) => ({ customer: `c${i}`, id: 'closer', timestamp: closeAt })));

    const counts = referenceCounts(input.orders);
    const emitted = await pollUntil(
      async () => {
        const got = await readTopic('orders-per-10s');
        const keys = new Set(got.map((r) => r.slice(0, r.lastIndexOf(':'))));
        return [...counts.keys()].every((k) => keys.has(k)) ? got : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'a final count of every window' },
    ).catch(withLogs);

    if (EXACT) {
      expect(await readTopic('paid-orders')).toEqual(join);
      expect(emitted).toEqual([...counts].map(([k, n]) => `${k}:${n}`).sort());
    } else {
      expect([...new Set(joined)].sort()).toEqual(join);
      // A window's final count may include records processed twice; never fewer.
      for (const r of emitted) {
        const i = r.lastIndexOf(':');
        expect({ window: r.slice(0, i), atLeast: Number(r.slice(i + 1)) >= (counts.get(r.slice(0, i)) ?? Infinity) }).toEqual({ window: r.slice(0, i), atLeast: true });
      }
    }
    expect(a.log() + c.log()).toContain('restoring state store');

    for (const survivor of [a, c]) {
      const code = await terminate(survivor);
      expect({ code, log: code === 0 ? '' : survivor.log().slice(-3000) }).toEqual({ code: 0, log: '' });
    }
  }, 300_000);
});
