import type { Consumer, Message, Producer, RecordOutcome } from '@gregor/client';
import { GregorError, silentLogger } from '@gregor/common';
import { ExactlyOnceCommitPath } from '../src/runtime/commit-path';
import { ProducerCollector } from '../src/runtime/producer-collector';

/**
 * ExactlyOnceCommitPath against a fake transactional producer that records
 * the calls it gets: the order of begin / sends / offsets / commit, no
 * transaction for an idle commit, abort on a failure.
 */
function setup(opts: { failOffsets?: GregorError; member?: boolean } = {}) {
  const calls: string[] = [];
  let inTxn = false;
  const producer = {
    beginTransaction: () => {
      if (inTxn) throw new GregorError('INVALID_TXN_STATE', 'already in a transaction');
      inTxn = true;
      calls.push('begin');
    },
    sendEach: async (batch: { topic: string; messages: readonly Message[] }): Promise<RecordOutcome[]> => {
      if (!inTxn) throw new GregorError('INVALID_TXN_STATE', 'send outside a transaction');
      calls.push(`send ${batch.topic} ${batch.messages.length}`);
      return batch.messages.map((m) => ({ topic: batch.topic, partition: m.partition ?? 0, offset: 0n, timestamp: 0n }));
    },
    flush: async () => undefined,
    sendOffsetsToTransaction: async (offsets: { topic: string; partition: number; offset: bigint }[], group: { generationId: number }) => {
      if (opts.failOffsets !== undefined) throw opts.failOffsets;
      calls.push(`offsets ${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(',')} gen ${group.generationId}`);
    },
    commitTransaction: async () => {
      inTxn = false;
      calls.push('commit');
    },
    abortTransaction: async () => {
      inTxn = false;
      calls.push('abort');
    },
  } as unknown as Producer;
  const consumer = { groupMetadata: () => (opts.member === false ? undefined : { groupId: 'app', memberId: 'm', generationId: 7, groupInstanceId: null }) } as unknown as Consumer;
  const collector = new ProducerCollector(producer, () => false);
  const path = new ExactlyOnceCommitPath(collector, producer, consumer, silentLogger());
  return { calls, collector, path };
}

const rec = (topic: string) => ({ topic, key: null, value: Buffer.from('v'), timestamp: 1, headers: [] });
const off = (offset: bigint) => ({ topic: 'in', partition: 0, offset });

describe('ExactlyOnceCommitPath', () => {
  it('begins a transaction before the first send, commits outputs and offsets in it; an idle commit starts none', async () => {
    const { calls, collector, path } = setup();
    await path.commit([]);
    expect(calls).toEqual([]);
    collector.send(rec('out'));
    collector.send(rec('out'));
    path.dispatch();
    await path.commit([off(2n)]);
    expect(calls).toEqual(['begin', 'send out 2', 'offsets in-0@2 gen 7', 'commit']);
    calls.length = 0;
    await path.commit([off(2n)]); // nothing processed since: no transaction
    expect(calls).toEqual([]);
    await path.commit([off(3n)]); // an offset moved (say a filtered record): committed alone
    expect(calls).toEqual(['begin', 'offsets in-0@3 gen 7', 'commit']);
  });

  it('a refused offset commit aborts the transaction and is rethrown; a second abort does nothing', async () => {
    const { calls, collector, path } = setup({ failOffsets: new GregorError('ILLEGAL_GENERATION', 'generation over') });
    collector.send(rec('out'));
    await expect(path.commit([off(1n)])).rejects.toThrow(/ILLEGAL_GENERATION/);
    expect(calls).toEqual(['begin', 'send out 1', 'abort']);
    await path.abort(); // nothing open: no second abort
    expect(calls.filter((c) => c === 'abort')).toHaveLength(1);
  });

  it('without group membership the offsets cannot go in the transaction: UNKNOWN_MEMBER_ID, aborted', async () => {
    const { calls, collector, path } = setup({ member: false });
    collector.send(rec('out'));
    await expect(path.commit([off(1n)])).rejects.toThrow(/UNKNOWN_MEMBER_ID/);
    expect(calls).toEqual(['begin', 'send out 1', 'abort']);
  });
});
