import type { Admin, DeletedRecords, RecordsToDelete } from '@gregor/client';
import { GregorError, ManualClock, silentLogger } from '@gregor/common';
import { RepartitionPurger, repartitionPurgePlan } from '../src/runtime/repartition-purge';

/** A fake Admin whose deleteRecords is held until the test settles it. */
function fakeAdmin(): { admin: Admin; calls: RecordsToDelete[][]; settle: (outcome: 'ok' | GregorError) => Promise<void> } {
  const calls: RecordsToDelete[][] = [];
  const pending: { resolve: (v: DeletedRecords[]) => void; reject: (e: unknown) => void; asked: RecordsToDelete[] }[] = [];
  const admin = {
    deleteRecords: (asked: RecordsToDelete[]) =>
      new Promise<DeletedRecords[]>((resolve, reject) => {
        calls.push(asked);
        pending.push({ resolve, reject, asked });
      }),
  } as unknown as Admin;
  const settle = async (outcome: 'ok' | GregorError): Promise<void> => {
    const p = pending.shift()!;
    if (outcome === 'ok') p.resolve(p.asked.map((a) => ({ topic: a.topic, partition: a.partition, lowWatermark: a.offset })));
    else p.reject(outcome);
    await new Promise((r) => setImmediate(r));
  };
  return { admin, calls, settle };
}

describe('repartition purging', () => {
  it('plans every repartition partition whose committed offset passed what was purged', () => {
    const committed = new Map([
      ['app-x-repartition-0', { topic: 'app-x-repartition', partition: 0, offset: 10n }],
      ['app-x-repartition-1', { topic: 'app-x-repartition', partition: 1, offset: 4n }],
    ]);
    expect(repartitionPurgePlan(committed, new Map([['app-x-repartition-1', 4n]]))).toEqual([{ topic: 'app-x-repartition', partition: 0, offset: 10n }]);
  });

  it('purges repartition topics only, at most once per interval, one round at a time; a failure is retried next interval', async () => {
    const clock = new ManualClock();
    const { admin, calls, settle } = fakeAdmin();
    const purger = new RepartitionPurger(admin, new Set(['app-x-repartition']), 1000, clock, silentLogger());
    const commit = (offset: bigint): void =>
      purger.afterCommit([
        { topic: 'input', partition: 0, offset: 99n },
        { topic: 'app-x-repartition', partition: 0, offset },
      ]);
    commit(5n);
    expect(calls).toHaveLength(0); // the interval has not passed
    clock.advance(1000);
    commit(7n);
    expect(calls).toEqual([[{ topic: 'app-x-repartition', partition: 0, offset: 7n }]]); // never the input topic
    clock.advance(1000);
    commit(9n);
    expect(calls).toHaveLength(1); // one round in flight at a time
    await settle(new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved'));
    commit(9n);
    expect(calls).toHaveLength(2); // interval passed and nothing in flight: retried
    expect(calls[1]).toEqual([{ topic: 'app-x-repartition', partition: 0, offset: 9n }]);
    await settle('ok');
    clock.advance(1000);
    commit(9n);
    expect(calls).toHaveLength(2); // nothing new consumed: nothing to purge
    await purger.drain();
  });
});
