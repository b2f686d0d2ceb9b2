'use strict';
/**
 * One LevelDB per node versus one per partition, measured with the real
 * LogStore (the per-partition layout is a LogStore per partition, each in its
 * own directory). Not a test: prints JSON. Build first, then:
 *
 *   pnpm exec tsc -b packages/storage && node packages/storage/bench/db-layout.js [partitions] [requests]
 *
 * Workload: produce requests that each carry one ~1 KiB batch for 8 of the
 * partitions (as a producer batching across partitions does), 32 requests in
 * flight; with syncWrites off and on.
 */
const { mkdtempSync, rmSync, readdirSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { LogStore } = require('../dist/index.js');
const { encodeRecordBatch } = require('../../record-batch/dist/index.js');

const PARTITIONS = Number(process.argv[2] ?? 64);
const REQUESTS = Number(process.argv[3] ?? 1000);
const PER_REQUEST = 8;
const IN_FLIGHT = 32;

const TEMPLATE = encodeRecordBatch(Array.from({ length: 10 }, (_, i) => ({ value: Buffer.alloc(90, i) })));
// A copy per append: the leader rewrites baseOffset in place, as it would in a request buffer.
const batch = () => Buffer.from(TEMPLATE);
const openFds = () => readdirSync('/proc/self/fd').length;

async function run(layout, syncWrites) {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-bench-'));
  const fdsBefore = openFds();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const stores = [];
  const logs = [];
  if (layout === 'one-db') {
    const store = await LogStore.open({ dataDir: dir, syncWrites });
    stores.push(store);
    for (let p = 0; p < PARTITIONS; p++) logs.push({ store, log: await store.openPartition('bench', p) });
  } else {
    for (let p = 0; p < PARTITIONS; p++) {
      const store = await LogStore.open({ dataDir: join(dir, String(p)), syncWrites });
      stores.push(store);
      logs.push({ store, log: await store.openPartition('bench', p) });
    }
  }
  const openMs = performance.now() - t0;
  const fdsOpen = openFds() - fdsBefore;

  let issued = 0;
  let bytes = 0;
  const t1 = performance.now();
  const request = async () => {
    const first = (issued++ * PER_REQUEST) % PARTITIONS;
    const items = Array.from({ length: PER_REQUEST }, (_, i) => ({ ...logs[(first + i) % PARTITIONS], batches: batch(), leaderEpoch: 0 }));
    bytes += items.reduce((a, i) => a + i.batches.length, 0);
    if (layout === 'one-db') await items[0].store.appendMany(items);
    else await Promise.all(items.map((i) => i.store.appendMany([i])));
  };
  const worker = async () => {
    while (issued < REQUESTS) await request();
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const appendMs = performance.now() - t1;
  const writes = stores.reduce((a, s) => a + s.stats().writes, 0);
  const rssMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    layout,
    syncWrites,
    partitions: PARTITIONS,
    requests: REQUESTS,
    openMs: Math.round(openMs),
    openFds: fdsOpen,
    rssGrowthMiB: Math.round(rssMiB),
    leveldbWrites: writes,
    requestsPerSec: Math.round(REQUESTS / (appendMs / 1000)),
    mibPerSec: Number((bytes / 2 ** 20 / (appendMs / 1000)).toFixed(1)),
  };
}

(async () => {
  await run('one-db', false); // warm-up (JIT), not reported
  const results = [];
  for (const syncWrites of [false, true]) {
    for (const layout of ['one-db', 'db-per-partition']) results.push(await run(layout, syncWrites));
  }
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
})();
