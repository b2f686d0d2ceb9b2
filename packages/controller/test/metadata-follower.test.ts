import type { ControllerClient, FetchedMetadata } from '../src';
import { MetadataFollower } from '../src';
import { ManualClock } from '@gregor/common';

/*
 * A broker-only node knows no active controller once no voter has answered
 * its fetches for a session (issue 10): the same "leaderless" evidence a
 * co-located Raft voter gives when it loses its leader, so an isolated
 * broker-only node is taken for stale too instead of naming the leaders of
 * its old image. (Its ControllerMetadataSource still names the controller
 * while heartbeats are answered: controllerId().)
 */
describe('MetadataFollower.leaderId', () => {
  it('is -1 after a session without an answered fetch, and known again with the next answer', async () => {
    const clock = new ManualClock();
    let cut = false;
    const nothingNew: FetchedMetadata = { snapshot: undefined, entries: [], commitIndex: 0 };
    const client = {
      activeControllerGuess: 2,
      fetchMetadata: () => (cut ? Promise.reject(new Error('deadline exceeded')) : Promise.resolve(nothingNew)),
    } as unknown as ControllerClient;
    const follower = new MetadataFollower({ client, voters: [{ id: 2, host: '127.0.0.1', port: 1 }], sessionTimeoutMs: 750, clock });
    await follower.pollOnce();
    expect(follower.leaderId()).toBe(2);
    cut = true;
    await expect(follower.pollOnce()).rejects.toThrow('deadline exceeded');
    clock.advance(749);
    expect(follower.leaderId()).toBe(2);
    clock.advance(1);
    expect(follower.leaderId()).toBe(-1);
    cut = false;
    await follower.pollOnce();
    expect(follower.leaderId()).toBe(2);
  });
});
