import { ConfigError } from '@gregor/common';
import { nodeConfig } from '@gregor/node';

function keyOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err.key;
    throw err;
  }
}

const voters = '1@127.0.0.1:9192,2@127.0.0.1:9193,3@127.0.0.1:9194';

describe('node config for the controller quorum', () => {
  test('reads the quorum and broker lifecycle settings, with fast defaults', () => {
    const c = nodeConfig({ 'controller.quorum.voters': voters });
    expect(c.quorumVoters).toEqual([
      { id: 1, host: '127.0.0.1', port: 9192 },
      { id: 2, host: '127.0.0.1', port: 9193 },
      { id: 3, host: '127.0.0.1', port: 9194 },
    ]);
    expect(c.controllerElectionTimeoutMs).toBe(500);
    expect(c.controllerTickIntervalMs).toBe(50);
    expect(c.brokerHeartbeatIntervalMs).toBe(125);
    expect(c.brokerSessionTimeoutMs).toBe(750);
    expect(nodeConfig({ 'controller.quorum.voters': voters, 'broker.session.timeout.ms': 4000 }).brokerSessionTimeoutMs).toBe(4000);
  });

  test('a voter needs to be in the voter list, with a CONTROLLER listener on its voter port', () => {
    expect(keyOf(() => nodeConfig({ 'controller.quorum.voters': voters, 'node.id': 4 }))).toBe('controller.quorum.voters');
    expect(keyOf(() => nodeConfig({ 'controller.quorum.voters': voters, listeners: 'CLIENT://127.0.0.1:9092,HTTP://127.0.0.1:9292' }))).toBe('listeners');
    expect(keyOf(() => nodeConfig({ 'controller.quorum.voters': voters, listeners: 'CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9999' }))).toBe('listeners');
    expect(keyOf(() => nodeConfig({ 'controller.quorum.voters': '1@h:1,1@h:2' }))).toBe('controller.quorum.voters');
    // A broker-only node follows the quorum without being a voter.
    expect(nodeConfig({ 'controller.quorum.voters': voters, 'node.id': 4, 'process.roles': 'broker' }).nodeId).toBe(4);
  });

  test('rejects an election timeout shorter than two ticks', () => {
    expect(keyOf(() => nodeConfig({ 'controller.quorum.election.timeout.ms': 100, 'controller.quorum.tick.interval.ms': 100 }))).toBe(
      'controller.quorum.election.timeout.ms',
    );
  });
});
