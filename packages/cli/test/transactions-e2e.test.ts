/**
 * `gregor consume --isolation-level` and `gregor transactions
 * list|describe|describe-producers|abort` in-process against a real
 * in-process gregor-node: read_committed skips an aborted transaction and
 * stops before an open one, read_uncommitted shows both; list and describe
 * show the transactional ids (text and --json); describe-producers shows
 * the open transaction's start offset and abort ends it; bad input exits 1
 * (usage) or 2 (TRANSACTIONAL_ID_NOT_FOUND, INVALID_TXN_STATE).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@gregor/common';
import { createClient, type Gregor, type Producer } from '@gregor/client';
import { connect, run, type CommonOptions } from '@gregor/cli';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { captureIO } from './helpers';

describe('gregor transactions and consume --isolation-level against a real node', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;
  let bootstrap: string;
  let open: Producer;

  const quick: typeof connect = (opts: CommonOptions, extra = {}) => connect(opts, { retry: { initialBackoffMs: 20, maxBackoffMs: 200 }, ...extra });
  async function gregor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = captureIO();
    const code = await run([...args, '--bootstrap', bootstrap], c.io, quick);
    return { code, stdout: c.stdout(), stderr: c.stderr() };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-cli-txn-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1 }), { logger: silentLogger() });
    bootstrap = node.clientAddress!;
    client = createClient({ bootstrap });
    await client.admin().createTopics([{ topic: 'ledger', numPartitions: 1 }]);
    const done = client.producer({ transactionalId: 'cli-done', lingerMs: 0 });
    await done.initTransactions();
    done.beginTransaction();
    await done.send({ topic: 'ledger', messages: [{ value: 'kept-1' }, { value: 'kept-2' }] });
    await done.commitTransaction();
    done.beginTransaction();
    await done.send({ topic: 'ledger', value: 'dropped' });
    await done.abortTransaction();
    await done.close();
    // A transaction left open: read_committed stops before it.
    open = client.producer({ transactionalId: 'cli-open', lingerMs: 0 });
    await open.initTransactions();
    open.beginTransaction();
    await open.send({ topic: 'ledger', value: 'pending' });
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('consume --isolation-level read_committed prints committed records only; read_uncommitted prints all', async () => {
    const committed = await gregor('consume', 'ledger', '--from-beginning', '--isolation-level', 'read_committed', '--timeout-ms', '1500');
    expect(committed.code).toBe(0);
    expect(committed.stdout.trim().split('\n')).toEqual(['kept-1', 'kept-2']);
    const all = await gregor('consume', 'ledger', '--from-beginning', '--timeout-ms', '1500');
    expect(all.stdout.trim().split('\n')).toEqual(['kept-1', 'kept-2', 'dropped', 'pending']);
    const bad = await gregor('consume', 'ledger', '--isolation-level', 'serializable');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/read_committed or read_uncommitted/);
  });

  test('transactions list and describe', async () => {
    const list = await gregor('transactions', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/cli-done\s+\d+\s+CompleteAbort/);
    expect(list.stdout).toMatch(/cli-open\s+\d+\s+Ongoing/);
    const ongoing = JSON.parse((await gregor('transactions', 'list', '--state', 'Ongoing', '--json')).stdout);
    expect(ongoing.map((t: any) => t.transactionalId)).toEqual(['cli-open']);
    // --duration-filter (KIP-994): running longer than 0 ms is the open one (begun before the test above's
    // 1.5 s reads); none has run for an hour; a transaction that is not running never matches.
    const running = JSON.parse((await gregor('transactions', 'list', '--duration-filter', '0', '--json')).stdout);
    expect(running.map((t: any) => t.transactionalId)).toEqual(['cli-open']);
    expect(JSON.parse((await gregor('transactions', 'list', '--duration-filter', '3600000', '--json')).stdout)).toEqual([]);
    expect((await gregor('transactions', 'list', '--duration-filter', '-5')).code).toBe(1);
    const d = await gregor('transactions', 'describe', 'cli-open');
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/cli-open\s+1\s+Ongoing/);
    expect(d.stdout).toMatch(/open partitions: ledger-0/);
    const missing = await gregor('transactions', 'describe', 'never-used');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/TRANSACTIONAL_ID_NOT_FOUND/);
  });

  // Last: it ends the open transaction the tests above rely on.
  test('transactions describe-producers finds the open transaction; abort --start-offset lets read_committed pass it', async () => {
    const producers = JSON.parse((await gregor('transactions', 'describe-producers', '--topic', 'ledger', '--partition', '0', '--json')).stdout);
    const openOnes = producers.filter((p: any) => p.currentTransactionStartOffset !== null);
    expect(openOnes).toHaveLength(1);
    const start = openOnes[0].currentTransactionStartOffset as string;
    expect((await gregor('transactions', 'describe-producers', '--topic', 'ledger', '--partition', '0')).stdout).toMatch(/CURRENT-TXN-START-OFFSET[\s\S]*\d+\s+\d+\s+-?\d+\s+\d+\s+\d+/);

    // Bad input: usage errors (exit 1), and a start offset no transaction has (exit 2).
    expect((await gregor('transactions', 'abort', '--topic', 'ledger', '--partition', '0')).code).toBe(1);
    expect((await gregor('transactions', 'abort', '--topic', 'ledger', '--partition', '0', '--start-offset', start, '--producer-id', '1')).code).toBe(1);
    const wrong = await gregor('transactions', 'abort', '--topic', 'ledger', '--partition', '0', '--start-offset', '999999');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/INVALID_TXN_STATE/);

    const aborted = await gregor('transactions', 'abort', '--topic', 'ledger', '--partition', '0', '--start-offset', start);
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toMatch(/aborted the transaction of producer \d+ \(epoch \d+\) in ledger-0/);
    const after = JSON.parse((await gregor('transactions', 'describe-producers', '--topic', 'ledger', '--partition', '0', '--json')).stdout);
    expect(after.filter((p: any) => p.currentTransactionStartOffset !== null)).toEqual([]);

    // The partition is stable again: a later committed transaction is visible to read_committed, the aborted record never.
    const later = client.producer({ transactionalId: 'cli-later', lingerMs: 0 });
    await later.initTransactions();
    later.beginTransaction();
    await later.send({ topic: 'ledger', value: 'after-abort' });
    await later.commitTransaction();
    await later.close();
    const committed = await gregor('consume', 'ledger', '--from-beginning', '--isolation-level', 'read_committed', '--timeout-ms', '1500');
    expect(committed.stdout.trim().split('\n')).toEqual(['kept-1', 'kept-2', 'after-abort']);
  });
});
