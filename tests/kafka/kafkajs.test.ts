/**
 * kafkajs against a real 3-node Gregor cluster through the KAFKA listeners
 * (issue 12 item 7), as a separate process per client (clients/, driven by
 * client-driver.ts): metadata, admin, produce and consume with keys and
 * headers in every codec it has (gzip: kafkajs ships no other), read back by
 * the SDK too; SDK → kafkajs; a group shared with an SDK consumer;
 * a consumer group of several processes with commits and resume; kill -9 of
 * the node it is connected to while it produces and consumes
 * (kafkajs idempotent producer).
 * Skipped with a SKIPPED line when the clients are not installed
 * (scripts/install-kafka-clients.sh), except under CI=true.
 */
import { KAFKAJS, describeWithKafkaClients } from './client-driver';
import { checkAdmin, checkConsumerGroup, checkKillConnectedNode, checkMetadata, checkMixedGroupWithSdk, checkRoundTripEveryCodec, checkSdkToClient, KafkaCluster } from './scenarios';

describeWithKafkaClients('tests/kafka/kafkajs')('kafkajs against a 3-node cluster', () => {
  let cluster: KafkaCluster | undefined;
  beforeAll(async () => {
    cluster = await KafkaCluster.start();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('metadata lists every broker at its KAFKA address', () => checkMetadata(cluster!, KAFKAJS, 'kafkajs-md'), 60_000);
  it('creates, describes, alters and deletes topics', () => checkAdmin(cluster!, KAFKAJS, 'kafkajs-admin'), 60_000);
  it('produces and consumes keys and headers in every codec (KAFKAJS.codecs), and the SDK reads them', () =>
    checkRoundTripEveryCodec(cluster!, KAFKAJS, 'kafkajs-codecs'), 90_000);
  it('consumes what the SDK produced', () => checkSdkToClient(cluster!, KAFKAJS, 'kafkajs-from-sdk'), 60_000);
  it('shares partitions in a group of processes and resumes from the committed offsets', () =>
    checkConsumerGroup(cluster!, KAFKAJS, 'kafkajs-group', 'kafkajs-g'), 120_000);
  it('shares a group with an SDK consumer: partitions and committed offsets', () =>
    checkMixedGroupWithSdk(cluster!, KAFKAJS, 'kafkajs-mixed', 'kafkajs-mixed-g'), 120_000);
  // Last: it leaves one node down.
  it('carries on through kill -9 of the node it is connected to, losing nothing acknowledged', () =>
    checkKillConnectedNode(cluster!, KAFKAJS, 'kafkajs-kill', { idempotent: true, bootstrap: 'leader-first' }), 150_000);
});
