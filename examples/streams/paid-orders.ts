/**
 * Orders matched with their payments, and orders per customer per 10 s —
 * a windowed join and a windowed count over the same input, the stateful
 * application that the real-process crash proof
 * (tests/cluster/streams-paid-orders.test.ts) runs as three instances.
 *
 * - `order-events` and `payment-events`, both keyed by customer (co-partitioned), value
 *   = the order id; event time = the record's timestamp.
 * - `paid-orders`: a KStream–KStream inner join, an order and a payment of
 *   the same customer within 1 s of each other; key = customer, value =
 *   `orderId+paymentOrderId`.
 * - `orders-per-10s`: orders counted per customer in 10 s tumbling windows
 *   with 60 s of grace, one final count per window
 *   (`suppress(untilWindowCloses)`); key = `customer@windowStartMs`, value
 *   = the count as text.
 *
 *   node examples/dist/streams/paid-orders.js        # Ctrl-C to stop
 *
 * Configured like every example (run.ts), including
 * GREGOR_STREAMS_PROCESSING_GUARANTEE=exactly_once_v2.
 */
import { JoinWindows, Serdes, StreamsBuilder, Suppressed, TimeWindows } from '@gregor/streams';
import { createTopics, exitOnError, runStreams } from './run';

const PAID_ORDERS_WINDOW_MS = 10_000;
const PAID_ORDERS_GRACE_MS = 60_000;
const PAID_ORDERS_JOIN_MS = 1_000;

async function main(): Promise<void> {
  await createTopics(['order-events', 'payment-events', 'paid-orders', 'orders-per-10s']);
  const S = Serdes.String();
  const builder = new StreamsBuilder();
  const orders = builder.stream('order-events', { keySerde: S, valueSerde: S });
  const payments = builder.stream('payment-events', { keySerde: S, valueSerde: S });
  orders
    .join(payments, (order, payment) => `${order}+${payment}`, JoinWindows.ofTimeDifferenceAndGrace(PAID_ORDERS_JOIN_MS, PAID_ORDERS_GRACE_MS), { valueSerde: S, otherValueSerde: S })
    .to('paid-orders', { keySerde: S, valueSerde: S });
  orders
    .groupByKey({ keySerde: S, valueSerde: S })
    .windowedBy(TimeWindows.ofSizeWithGrace(PAID_ORDERS_WINDOW_MS, PAID_ORDERS_GRACE_MS))
    .count({ storeName: 'orders-per-10s' })
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((w, count) => ({ key: `${w.key}@${w.window.startMs}`, value: String(count) }))
    .to('orders-per-10s', { keySerde: S, valueSerde: S });
  await runStreams(builder.build(), 'paid-orders');
}

main().catch(exitOnError);
