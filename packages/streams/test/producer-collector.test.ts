import type { Message, Producer, RecordOutcome } from '@gregor/client';
import { GregorError, silentLogger } from '@gregor/common';
import { ProducerCollector } from '../src/runtime/producer-collector';

/** A producer whose sendEach fails every record whose value is "too-big" (what the collector uses), acks the rest. */
function fakeProducer(): { producer: Producer; calls: { topic: string; messages: readonly Message[] }[] } {
  const calls: { topic: string; messages: readonly Message[] }[] = [];
  let offset = 0n;
  const producer = {
    sendEach: async (batch: { topic: string; messages: readonly Message[] }): Promise<RecordOutcome[]> => {
      calls.push(batch);
      return batch.messages.map((m) =>
        String(m.value) === 'too-big' ? new GregorError('MESSAGE_TOO_LARGE', 'too big', { topic: batch.topic }) : { topic: batch.topic, partition: m.partition ?? 0, offset: offset++, timestamp: 0n },
      );
    },
    flush: async () => undefined,
  } as unknown as Producer;
  return { producer, calls };
}

const rec = (topic: string, value: string, partition?: number) => ({ topic, key: null, value: Buffer.from(value), timestamp: 1, headers: [], ...(partition === undefined ? {} : { partition }) });

describe('ProducerCollector', () => {
  it('sends one call per topic per dispatch and records changelog offsets', async () => {
    const { producer, calls } = fakeProducer();
    const c = new ProducerCollector(producer, (t) => t.endsWith('-changelog'));
    c.send(rec('out', 'a'));
    c.send(rec('out', 'b'));
    c.send(rec('s-changelog', 'x', 2));
    expect(c.pendingCount).toBe(3);
    await c.awaitAcks();
    expect(calls.map((x) => [x.topic, x.messages.length])).toEqual([['out', 2], ['s-changelog', 1]]);
    expect(c.ackedEndOffsets.get('s-changelog-2')).toBe(3n);
    expect(c.pendingCount).toBe(0);
  });

  it('awaitCapacity waits for the oldest sends only until under half the bound, leaving later ones in flight', async () => {
    const releases: (() => void)[] = [];
    const producer = {
      sendEach: (batch: { topic: string; messages: readonly Message[] }) =>
        new Promise<RecordOutcome[]>((resolve) => releases.push(() => resolve(batch.messages.map(() => ({ topic: batch.topic, partition: 0, offset: 0n, timestamp: 0n }))))),
      flush: async () => undefined,
    } as unknown as Producer;
    const c = new ProducerCollector(producer, () => false);
    for (const topic of ['a', 'b', 'c']) {
      c.send(rec(topic, '1'));
      c.send(rec(topic, '2'));
    }
    let done = false;
    const waiting = c.awaitCapacity(6).then(() => (done = true)); // 6 in flight: wait until fewer than 3
    await Promise.resolve();
    expect(releases).toHaveLength(3); // all three topics dispatched
    releases[0]!();
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false); // 4 still in flight
    releases[1]!();
    await waiting;
    expect(c.pendingCount).toBe(2); // the newest send is still in flight
    releases[2]!();
    await c.awaitAcks();
    expect(c.pendingCount).toBe(0);
  });

  it("'fail': a record failed for good fails the next barrier and further sends", async () => {
    const c = new ProducerCollector(fakeProducer().producer, () => false);
    c.send(rec('out', 'too-big'));
    await expect(c.awaitAcks()).rejects.toThrow(/MESSAGE_TOO_LARGE/);
    expect(() => c.send(rec('out', 'a'))).toThrow(/MESSAGE_TOO_LARGE/);
  });

  it("'logAndContinue': an output record is dropped and counted; a changelog record still fails", async () => {
    const c = new ProducerCollector(fakeProducer().producer, (t) => t.endsWith('-changelog'), 'logAndContinue', silentLogger());
    c.send(rec('out', 'too-big'));
    c.send(rec('out', 'fine'));
    await c.awaitAcks();
    expect(c.droppedRecords).toBe(1);
    c.send(rec('s-changelog', 'too-big'));
    await expect(c.awaitAcks()).rejects.toThrow(/MESSAGE_TOO_LARGE/);
  });
});
