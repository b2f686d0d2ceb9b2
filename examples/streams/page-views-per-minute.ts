/**
 * Page views per page per minute, one final count per window: views from
 * `page-views` (key = page, value = user, event time = the record's
 * timestamp) counted in 1-minute tumbling windows with 10 s of grace, and
 * `suppress(untilWindowCloses)` so `page-views-per-minute` gets exactly one
 * record per page and minute, once the minute is over — what a dashboard
 * wants, instead of a refinement per view. Key `page@YYYY-MM-DDTHH:MM`
 * (UTC), value the count as text. Keyed by page already, so no
 * repartition: each page's views stay in event-time order, and a view
 * more than 10 s older than the newest of its partition is dropped as late.
 *
 *   node examples/dist/streams/page-views-per-minute.js              # process until Ctrl-C
 *   node examples/dist/streams/page-views-per-minute.js --generate 5  # first write 5 minutes of synthetic views
 */
import { createClient } from '@gregor/client';
import { Serdes, StreamsBuilder, Suppressed, TimeWindows } from '@gregor/streams';
import { BOOTSTRAP } from '../env';
import { createTopics, exitOnError, runStreams } from './run';

const INPUT = 'page-views';
const OUTPUT = 'page-views-per-minute';
const MINUTE = 60_000;
const PAGES = ['/home', '/search', '/cart', '/checkout'];

async function main(): Promise<void> {
  await createTopics([INPUT, OUTPUT]);
  const generateIndex = process.argv.indexOf('--generate');
  if (generateIndex >= 0) await generate(Number(process.argv[generateIndex + 1] ?? '3'));

  const S = Serdes.String();
  const builder = new StreamsBuilder();
  builder
    .stream(INPUT, { keySerde: S, valueSerde: S })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithGrace(MINUTE, 10_000))
    .count({ storeName: 'views-per-minute' })
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((w, count) => ({ key: `${w.key}@${new Date(w.window.startMs).toISOString().slice(0, 16)}`, value: String(count) }))
    .to(OUTPUT, { keySerde: S, valueSerde: S });
  await runStreams(builder.build(), 'page-views-per-minute');
}

/**
 * Deterministic synthetic views over the last few minutes: in minute m
 * page i gets (m + 1) × (i + 1) views, spread over the minute; then one
 * view of each page two minutes after the last. Stream time is per task
 * (per partition), so every page's partition needs a later record to
 * close its windows. Recent times, so that retention keeps the records.
 */
async function generate(minutes: number): Promise<void> {
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - (minutes + 3) * MINUTE;
  const client = createClient({ bootstrap: BOOTSTRAP, clientId: 'page-views-generator' });
  const producer = client.producer({ lingerMs: 5 });
  const messages = [];
  for (let m = 0; m < minutes; m++) {
    PAGES.forEach((page, i) => {
      const n = (m + 1) * (i + 1);
      for (let v = 0; v < n; v++) messages.push({ key: page, value: `user-${v % 7}`, timestamp: start + m * MINUTE + Math.floor((v * MINUTE) / n) });
    });
  }
  for (const page of PAGES) messages.push({ key: page, value: 'user-0', timestamp: start + (minutes + 2) * MINUTE });
  await producer.send({ topic: INPUT, messages });
  await client.close();
  console.log(`generated ${messages.length} page views over ${minutes} minutes`);
}

main().catch(exitOnError);
