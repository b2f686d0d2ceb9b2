import { GregorError, nodeId } from '@gregor/common';
import type { Message } from '@gregor/raft';
import { MetadataImage } from '../src/image';
import { messageFromWire, messageToWire } from '../src/raft-codec';
import type { MetadataRecord } from '../src/records';
import { WriteQueue } from '../src/write-queue';

function setup(maxQueued = 10) {
  const image = new MetadataImage();
  const proposed: { records: readonly MetadataRecord[]; index: number }[] = [];
  let next = 1;
  const queue = new WriteQueue({
    maxQueued,
    image: () => image,
    proposer: {
      propose: (records) => {
        proposed.push({ records, index: next });
        return { index: next++, term: 1 };
      },
    },
  });
  const commit = (term = 1) => {
    const p = proposed[proposed.length - 1]!;
    image.apply({ origin: null, records: p.records }, p.index);
    queue.onApplied(p.index, term);
  };
  return { image, queue, proposed, commit };
}

const registerPlan = (id: number) => (_image: MetadataImage) => ({
  records: [{ type: 'register-broker' as const, brokerId: id, incarnationId: `i${id}`, listeners: [], rack: null }],
  result: (after: MetadataImage) => after.broker(id)!.brokerEpoch,
});

describe('WriteQueue', () => {
  it('plans each write only after the previous one is applied, and answers after commit', async () => {
    const { queue, proposed, commit } = setup();
    queue.activate();
    const seenOffsets: number[] = [];
    const a = queue.submit('a', (img) => {
      seenOffsets.push(img.offset);
      return registerPlan(1)(img);
    }, 10_000);
    const b = queue.submit('b', (img) => {
      seenOffsets.push(img.offset);
      return registerPlan(2)(img);
    }, 10_000);
    expect(proposed).toHaveLength(1); // b waits for a
    commit();
    await expect(a).resolves.toBe(1);
    expect(proposed).toHaveLength(2);
    commit();
    await expect(b).resolves.toBe(2);
    expect(seenOffsets).toEqual([0, 1]);
  });

  it('answers at once when a plan writes nothing, and reports plan errors without writing', async () => {
    const { queue, proposed } = setup();
    queue.activate();
    await expect(queue.submit('noop', (img) => ({ records: [], result: () => img.offset }), 1000)).resolves.toBe(0);
    await expect(
      queue.submit('bad', () => {
        throw new GregorError('TOPIC_ALREADY_EXISTS', 'exists');
      }, 1000),
    ).rejects.toMatchObject({ errorName: 'TOPIC_ALREADY_EXISTS' });
    expect(proposed).toHaveLength(0);
  });

  it('fails everything with NOT_CONTROLLER on deactivation, and a lost slot too', async () => {
    const { queue, proposed, image } = setup();
    queue.activate();
    const a = queue.submit('a', registerPlan(1), 10_000);
    const b = queue.submit('b', registerPlan(2), 10_000);
    queue.deactivate(new GregorError('NOT_CONTROLLER', 'lost leadership'));
    await expect(a).rejects.toMatchObject({ errorName: 'NOT_CONTROLLER' });
    await expect(b).rejects.toMatchObject({ errorName: 'NOT_CONTROLLER' });
    queue.activate();
    const c = queue.submit('c', registerPlan(3), 10_000);
    // Another leader's entry lands at our index: ours is gone.
    image.apply({ origin: null, records: [] }, proposed[proposed.length - 1]!.index);
    queue.onApplied(proposed[proposed.length - 1]!.index, 2);
    await expect(c).rejects.toMatchObject({ errorName: 'NOT_CONTROLLER' });
  });

  it('times out a write that does not commit, yet plans the next only after its fate is known', async () => {
    const { queue, proposed, commit } = setup();
    queue.activate();
    const a = queue.submit('a', registerPlan(1), 20);
    const b = queue.submit('b', registerPlan(2), 10_000);
    await expect(a).rejects.toMatchObject({ errorName: 'REQUEST_TIMED_OUT', retriable: true });
    expect(proposed).toHaveLength(1);
    commit(); // a commits late
    expect(proposed).toHaveLength(2);
    commit();
    await expect(b).resolves.toBe(2);
  });

  it('refuses writes beyond its bound with a retriable error', async () => {
    const { queue } = setup(1);
    queue.activate();
    const first = queue.submit('a', registerPlan(1), 10_000); // in flight
    const second = queue.submit('b', registerPlan(2), 10_000); // waiting: the queue is full
    await expect(queue.submit('c', registerPlan(3), 10_000)).rejects.toMatchObject({ errorName: 'THROTTLING_QUOTA_EXCEEDED', retriable: true });
    queue.deactivate(new GregorError('NOT_CONTROLLER', 'done'));
    await Promise.allSettled([first, second]);
  });
});

describe('raft codec', () => {
  it('round-trips every message type through the protobuf shape', () => {
    const from = nodeId(1);
    const to = nodeId(2);
    const base = { from, to, term: 3 } as const;
    const entry = { index: 7, term: 3, type: 'normal' as const, data: Buffer.from('x') };
    const messages = [
      { ...base, type: 'MsgApp', prevLogIndex: 6, prevLogTerm: 2, entries: [entry, { ...entry, index: 8, type: 'noop', data: Buffer.alloc(0) }], commit: 5 },
      { ...base, type: 'MsgAppResp', index: 8, reject: true, rejectHint: 4, hintTerm: 2 },
      { ...base, type: 'MsgHeartbeat', commit: 5 },
      { ...base, type: 'MsgHeartbeatResp' },
      { ...base, type: 'MsgPreVote', lastLogIndex: 9, lastLogTerm: 3, transfer: false },
      { ...base, type: 'MsgVote', lastLogIndex: 9, lastLogTerm: 3, transfer: true },
      { ...base, type: 'MsgVoteResp', reject: false },
      { ...base, type: 'MsgPreVoteResp', reject: true },
      { ...base, type: 'MsgSnap', snapshot: { metadata: { index: 10, term: 3, confState: { voters: [1, 2, 3] } }, data: Buffer.from('img') } },
      { ...base, type: 'MsgTimeoutNow' },
    ] as unknown as Message[];
    for (const m of messages) {
      // Simulate the loader's output: int64 as decimal strings, defaults filled.
      const wire = messageToWire(m) as Record<string, unknown>;
      const out: Record<string, unknown> = {
        type: '', from: 0, to: 0, term: '0', prevLogIndex: '0', prevLogTerm: '0', entries: [], commit: '0', index: '0', reject: false,
        rejectHint: '0', hintTerm: '0', lastLogIndex: '0', lastLogTerm: '0', transfer: false, snapshot: null,
      };
      for (const [k, v] of Object.entries(wire)) out[k] = typeof v === 'number' && !['from', 'to'].includes(k) ? String(v) : v;
      if (Array.isArray(out['entries'])) {
        out['entries'] = (out['entries'] as Record<string, unknown>[]).map((e) => ({ ...e, index: String(e['index']), term: String(e['term']) }));
      }
      if (out['snapshot'] !== null) {
        const sn = out['snapshot'] as Record<string, unknown>;
        out['snapshot'] = { ...sn, index: String(sn['index']), term: String(sn['term']) };
      }
      const back = messageFromWire(out as never);
      expect(back).toEqual(m);
    }
    expect(() => messageFromWire({ type: 'MsgNope', from: 1, to: 2, term: '1' } as never)).toThrow(/INVALID_REQUEST/);
  });
});
