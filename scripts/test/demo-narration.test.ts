import { slowSendNote } from '../src/demo-narration';

describe('failover demo: why a send was slow', () => {
  test('the first send: its lookups; later: what the script says is happening, or no reason at all', () => {
    expect(slowSendNote(0, 1400, undefined)).toBe(' (took 1400 ms, with the first metadata and producer-id lookups)');
    expect(slowSendNote(0, 1400, 'node 2 was killed')).toBe(' (took 1400 ms, with the first metadata and producer-id lookups)');
    expect(slowSendNote(2, 1600, undefined, true)).toBe(' (took 1600 ms, waiting behind the first lookups)');
    expect(slowSendNote(57, 2300, undefined)).toBe(' (took 2300 ms)');
    expect(slowSendNote(57, 2300, 'node 2 was killed: the cluster was failing over')).toBe(' (took 2300 ms: node 2 was killed: the cluster was failing over)');
  });
});
