import { changeLogLevel, describeChange } from '../src/change-log';
import type { MetadataChange } from '../src/image';

const partition = (leader: number, isr: number[], leaderEpoch: number, partitionEpoch: number) => ({
  partition: 0,
  replicas: [1, 2, 3],
  isr,
  leader,
  leaderEpoch,
  partitionEpoch,
});

describe('the controller\'s one line per change', () => {
  test('a partition left without a leader says OFFLINE and is a warning; a normal move is info', () => {
    const offline = { kind: 'partition-changed', topic: 't', before: partition(2, [2], 4, 7), after: partition(-1, [2], 5, 8) } as unknown as MetadataChange;
    expect(describeChange(offline)).toBe('partition t-0 leader 2 -> none (OFFLINE: no eligible replica in the ISR) (leader epoch 5) (partition epoch 8)');
    expect(changeLogLevel(offline)).toBe('warn');
    const moved = { kind: 'partition-changed', topic: 't', before: partition(2, [1, 2], 4, 7), after: partition(1, [1], 5, 8) } as unknown as MetadataChange;
    expect(describeChange(moved)).toBe('partition t-0 leader 2 -> 1 (leader epoch 5), ISR [1,2] -> [1] (partition epoch 8)');
    expect(changeLogLevel(moved)).toBe('info');
  });
});
