/**
 * client.read (one bounded replay of a partition) and producer.sendEach /
 * partitionsFor against a real in-process node.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { GregorError, silentLogger } from '@gregor/common';
import { createClient, type Gregor, type Producer } from '@gregor/client';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

describe('client.read and producer.sendEach against a real node', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;
  let producer: Producer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-client-read-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1 }), { logger: silentLogger() });
    client = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });
    await client.admin().createTopics([{ topic: 'rd', numPartitions: 2 }]);
    producer = client.producer();
    await producer.send({ topic: 'rd', messages: Array.from({ length: 20 }, (_, i) => ({ value: `v${i}`, partition: 0, timestamp: 1000 + i })) });
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads from an offset, earliest or a timestamp, at most maxRecords, and says where to go on', async () => {
    const first = await client.read({ topic: 'rd', partition: 0, from: 'earliest', maxRecords: 7 });
    expect(first.records.map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
    expect(first.nextOffset).toBe(7n);
    expect(first.highWatermark).toBe(20n);
    const rest = await client.read({ topic: 'rd', partition: 0, from: first.nextOffset });
    expect(rest.records.map((r) => r.offset)).toEqual(Array.from({ length: 13 }, (_, i) => BigInt(7 + i)));
    expect(rest.nextOffset).toBe(20n);
    const byTime = await client.read({ topic: 'rd', partition: 0, from: { timestamp: 1015n }, maxRecords: 1 });
    expect(byTime.records.map((r) => r.offset)).toEqual([15n]);
    // After every record's timestamp: the end, nothing to return.
    const late = await client.read({ topic: 'rd', partition: 0, from: { timestamp: 10_000_000_000_000n } });
    expect(late).toMatchObject({ records: [], nextOffset: 20n });
  });

  it('long-polls at the end for the next record', async () => {
    const end = await client.read({ topic: 'rd', partition: 1, from: 'latest' });
    expect(end.records).toEqual([]);
    const waiting = client.read({ topic: 'rd', partition: 1, from: end.nextOffset, maxWaitMs: 20_000 });
    await producer.send({ topic: 'rd', value: 'late', partition: 1 });
    const got = await waiting;
    expect(got.records.map((r) => r.value!.toString())).toEqual(['late']);
    expect(got.nextOffset).toBe(end.nextOffset + 1n);
  });

  it('fails clearly: unknown topic or partition at once, an offset past the end with the offsets in context', async () => {
    await expect(client.read({ topic: 'rd-missing', partition: 0, from: 0n })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(client.read({ topic: 'rd', partition: 2, from: 0n })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const err = (await client.read({ topic: 'rd', partition: 0, from: 999n }).catch((e: unknown) => e)) as GregorError;
    expect(err.errorName).toBe('OFFSET_OUT_OF_RANGE');
    expect(err.context).toMatchObject({ logStartOffset: 0n, highWatermark: 20n });
    expect(err.message).toMatch(/^OFFSET_OUT_OF_RANGE: [^A-Z].*offsets 0 to 20/);
    await expect(client.read({ topic: 'rd', partition: 0, from: 0n, maxRecords: 0 })).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
  });

  it('sendEach answers per record: a record for a missing partition fails alone, the others land; partitionsFor fails fast', async () => {
    const outcomes = await producer.sendEach({ topic: 'rd', messages: [{ value: 'a', partition: 1 }, { value: 'b', partition: 5 }, { value: 'c', partition: 1 }] });
    expect(outcomes[0]).toMatchObject({ partition: 1 });
    expect(outcomes[1]).toBeInstanceOf(GregorError);
    expect((outcomes[1] as GregorError).errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(outcomes[2]).toMatchObject({ partition: 1, offset: (outcomes[0] as { offset: bigint }).offset + 1n });
    expect(await producer.partitionsFor('rd')).toBe(2);
    await expect(producer.partitionsFor('rd-missing')).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});
