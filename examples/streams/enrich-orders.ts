/**
 * Enrichment: each order from `orders` (key = customer id, value = JSON
 * `{ "item", "amount" }`) joined with the customer's current record from
 * the `customers` table (key = customer id, value = JSON `{ "name",
 * "tier" }`), written to `orders-enriched`. A left join, so an order of an
 * unknown customer still goes through (`"customer": null`). Both topics
 * are keyed by customer id with the same partition count: co-partitioned.
 *
 *   node examples/dist/streams/enrich-orders.js
 */
import { Serdes, StreamsBuilder } from '@gregor/streams';
import { createTopics, exitOnError, runStreams } from './run';

interface Order {
  item: string;
  amount: number;
}
interface Customer {
  name: string;
  tier: 'gold' | 'silver';
}

async function main(): Promise<void> {
  await createTopics(['orders', 'customers', 'orders-enriched']);
  const S = Serdes.String();
  const builder = new StreamsBuilder();
  const customers = builder.table('customers', { keySerde: S, valueSerde: Serdes.JSON<Customer>(), storeName: 'customers' });
  builder
    .stream('orders', { keySerde: S, valueSerde: Serdes.JSON<Order>() })
    .leftJoin(customers, (order, customer) => ({ ...order, customer }))
    .mapValues((o) => ({ ...o, discount: o.customer?.tier === 'gold' ? Math.round(o.amount * 0.1 * 100) / 100 : 0 }))
    .to('orders-enriched', { keySerde: S, valueSerde: Serdes.JSON() });
  await runStreams(builder.build(), 'enrich-orders');
}

main().catch(exitOnError);
