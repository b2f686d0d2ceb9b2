import { ConfigError } from '@gregor/common';
import { resolveConsumerOptions } from '../src/consumer/options';
import { DEFAULT_RETRY } from '../src/options';

const resolve = (o: Parameters<typeof resolveConsumerOptions>[0]): unknown => resolveConsumerOptions(o, { retry: DEFAULT_RETRY });
const thrown = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('group option messages name the key the user set, with Kafka\'s name', () => {
  it('blames session.timeout.ms when only it was set (below the default heartbeat)', () => {
    const err = thrown(() => resolve({ groupId: 'g', sessionTimeoutMs: 1 }));
    expect(err.key).toBe('session.timeout.ms');
    expect(err.message).toContain('heartbeat.interval.ms, default 3000');
    expect(err.message).toContain('got 1');
  });

  it('blames heartbeat.interval.ms when it was set at or above the session timeout', () => {
    const err = thrown(() => resolve({ groupId: 'g', sessionTimeoutMs: 3000, heartbeatIntervalMs: 3000 }));
    expect(err.key).toBe('heartbeat.interval.ms');
    expect(err.message).toContain('session.timeout.ms, 3000');
  });
});
