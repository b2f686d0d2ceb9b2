/**
 * InternalTopic.partitionForSoon: a coordinator request that reaches a
 * broker a moment before it has applied the internal topic's creation
 * (another broker, already up to date, named it coordinator) waits for the
 * creation instead of answering NOT_COORDINATOR at once — kafkajs's
 * TxnOffsetCommit gives up on the first such answer.
 */
import { silentLogger } from '@gregor/common';
import { partitionForKey } from '@gregor/coordinator-runtime';
import { InternalTopic, type InternalTopicSpec } from '../src/coordinator/internal-topic';
import { FakeController } from './helpers/fake-controller';

const SPEC: InternalTopicSpec = { name: '__consumer_offsets', numPartitions: 5, replicationFactor: 1, replicationFactorKey: 'offsets.topic.replication.factor', keyKind: 'group' };

function setUp(): { controller: FakeController; topicOn2: InternalTopic } {
  const controller = new FakeController();
  for (const id of [1, 2]) {
    controller.register(id, { nodeId: id, host: '127.0.0.1', port: 9000 + id });
    controller.sourceFor(id);
  }
  return { controller, topicOn2: new InternalTopic(SPEC, controller.sourceFor(2), silentLogger()) };
}

describe('InternalTopic.partitionForSoon', () => {
  it('waits for this broker to apply the topic another broker already knows, then answers its partition', async () => {
    const { controller, topicOn2 } = setUp();
    controller.cutMetadata(2);
    controller.createTopic({ name: SPEC.name, numPartitions: SPEC.numPartitions, replicationFactor: 1, configs: {} });
    expect(controller.sourceFor(1).topic(SPEC.name)).toBeDefined();
    expect(topicOn2.partitionFor('kjs-group')).toBeUndefined();

    const soon = topicOn2.partitionForSoon('kjs-group', 30_000);
    controller.heal(2);
    expect(await soon).toBe(partitionForKey('kjs-group', SPEC.numPartitions));
  });

  it('answers at once when the topic is known, and undefined after the wait when it never appears', async () => {
    const { controller, topicOn2 } = setUp();
    expect(await topicOn2.partitionForSoon('g', 20)).toBeUndefined();
    controller.createTopic({ name: SPEC.name, numPartitions: SPEC.numPartitions, replicationFactor: 1, configs: {} });
    expect(await topicOn2.partitionForSoon('g', 30_000)).toBe(partitionForKey('g', SPEC.numPartitions));
  });
});
