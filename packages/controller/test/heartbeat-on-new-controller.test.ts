import { pollUntil } from '@gregor/common';
import type { AppliedEvent, ControllerClient, MetadataImageSource, MetadataRecord } from '../src';
import { ControllerMetadataSource, MetadataImage } from '../src';

/*
 * A broker heartbeats a newly named active controller at once, not at its
 * next interval: the new controller's takeover grace is running. The
 * interval here is a minute, so only that rule can send the second heartbeat
 * within the test's deadline.
 */

class FakeImageSource implements MetadataImageSource {
  readonly image = new MetadataImage();
  private readonly listeners = new Set<(e: AppliedEvent) => void>();

  subscribe(listener: (e: AppliedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  leaderId(): number {
    return this.image.lastLeaderChange?.leaderId ?? -1;
  }

  applyFetched(): Promise<number> {
    return Promise.resolve(0);
  }

  /** Applies `records` as the next committed batch and tells the listeners. */
  commit(records: readonly MetadataRecord[]): number {
    const offset = this.image.offset + 1;
    const changes = this.image.apply({ origin: 'test', records }, offset);
    for (const l of this.listeners) l({ offset, changes });
    return offset;
  }
}

describe('ControllerMetadataSource heartbeats', () => {
  it('heartbeats at once when the metadata log names a new active controller', async () => {
    const source = new FakeImageSource();
    source.commit([{ type: 'leader-change', leaderId: 1, term: 1 }]);
    const heartbeats: number[] = [];
    let epoch = -1;
    const client = {
      registerBroker: () => {
        epoch = source.commit([{ type: 'register-broker', brokerId: 7, incarnationId: 'i', listeners: [], rack: null }]);
        return Promise.resolve({ brokerEpoch: epoch });
      },
      heartbeat: () => {
        heartbeats.push(source.leaderId());
        if (!source.image.isUnfenced(7)) source.commit([{ type: 'unfence-broker', brokerId: 7, brokerEpoch: epoch }]);
        return Promise.resolve({ isFenced: false, isCaughtUp: true });
      },
    } as unknown as ControllerClient;
    const cms = new ControllerMetadataSource({ clusterId: 'c', nodeId: 7, source, client, heartbeatIntervalMs: 60_000, sessionTimeoutMs: 360_000 });
    try {
      await cms.registerBroker({ nodeId: 7, host: '127.0.0.1', port: 9107 });
      expect(heartbeats).toEqual([1]);
      // The next interval is a minute away: only the leader change can send this one.
      source.commit([{ type: 'leader-change', leaderId: 2, term: 2 }]);
      await pollUntil(() => heartbeats.length >= 2, { timeoutMs: 5000, what: 'a heartbeat to the new controller' });
      expect(heartbeats).toEqual([1, 2]);
    } finally {
      await cms.close({ controlledShutdown: false });
    }
  });
});
