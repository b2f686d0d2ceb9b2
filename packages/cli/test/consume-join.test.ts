import { GregorError } from '@gregor/common';
import type { Gregor } from '@gregor/client';
import { run, type connect } from '@gregor/cli';
import { captureIO } from './helpers';

/**
 * A client whose group coordinator never becomes available: the consumer
 * never gets a generation, describeGroups fails as FindCoordinator does.
 * (A single real node always finds one; this is the only way to be sure
 * the CLI's side of it is what is tested.)
 */
function unjoinableClient(): { connect: typeof connect; closed: () => boolean } {
  let consumerClosed = false;
  const consumer = {
    subscribe: () => undefined,
    groupMetadata: () => ({ groupId: 'g', memberId: '', generationId: -1, groupInstanceId: null }),
    poll: ({ timeoutMs }: { timeoutMs: number }) => new Promise((resolve) => setTimeout(() => resolve([]), Math.min(timeoutMs, 1000))),
    close: async () => {
      consumerClosed = true;
    },
  };
  const client = {
    admin: () => ({
      describeTopics: async (topics: string[]) => topics.map((name) => ({ name, partitions: [{ partition: 0 }] })),
      describeGroups: async () => {
        throw new GregorError('COORDINATOR_NOT_AVAILABLE', 'the __consumer_offsets topic is waiting for 3 brokers');
      },
    }),
    consumer: () => consumer,
    close: async () => undefined,
  };
  return { connect: () => client as unknown as Gregor, closed: () => consumerClosed };
}

describe('consume --group when the group cannot be joined', () => {
  it('says why every few seconds, then exits 2 with the coordinator error (not "0 messages", exit 0)', async () => {
    const fake = unjoinableClient();
    const c = captureIO();
    const code = await run(['consume', 't', '--group', 'g', '--timeout-ms', '1000', '--join-timeout-ms', '6000'], c.io, fake.connect);
    expect(code).toBe(2);
    const lines = c.stderr().trim().split('\n');
    expect(lines[0]).toMatch(/^still waiting to join group "g" after \d+ s: COORDINATOR_NOT_AVAILABLE: the __consumer_offsets topic is waiting for 3 brokers$/);
    expect(lines[lines.length - 1]).toBe('COORDINATOR_NOT_AVAILABLE: could not join group "g" within 6000 ms (--join-timeout-ms): the __consumer_offsets topic is waiting for 3 brokers');
    expect(c.stderr()).not.toContain('Processed a total');
    expect(fake.closed()).toBe(true);
  }, 20000);

  it('a join wait shorter than the report interval still ends with the error', async () => {
    const fake = unjoinableClient();
    const c = captureIO();
    const code = await run(['consume', 't', '--group', 'g', '--join-timeout-ms', '200', '--json'], c.io, fake.connect);
    expect(code).toBe(2);
    expect(JSON.parse(c.stderr())).toMatchObject({ error: 'COORDINATOR_NOT_AVAILABLE', context: { group: 'g' } });
  });
});
