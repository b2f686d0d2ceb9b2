/**
 * confluent-kafka against a real 3-node Gregor cluster through the KAFKA listeners
 * (issue 12 item 7), as a separate process per client (clients/, driven by
 * client-driver.ts): metadata, admin, produce and consume with keys and
 * headers in every codec it has, read back by the SDK too; SDK → confluent-kafka;
 * a consumer group of several processes with commits and resume; kill -9 of
 * the node it is connected to while it produces and consumes
 * (librdkafka with enable.idempotence: the retries of what was in flight at the kill are deduplicated (exactly once, in order)).
 * Skipped with a SKIPPED line when the clients are not installed
 * (scripts/install-kafka-clients.sh), except under CI=true.
 */
import { CONFLUENT_KAFKA, describeWithKafkaClients } from './client-driver';
import { checkAdmin, checkConsumerGroup, checkKillConnectedNode, checkMetadata, checkRoundTripEveryCodec, checkSdkToClient, KafkaCluster } from './scenarios';

describeWithKafkaClients('tests/kafka/confluent-kafka')('confluent-kafka against a 3-node cluster', () => {
  let cluster: KafkaCluster | undefined;
  beforeAll(async () => {
    cluster = await KafkaCluster.start();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('metadata lists every broker at its KAFKA address', () => checkMetadata(cluster!, CONFLUENT_KAFKA, 'confluentkafka-md'), 60_000);
  it('creates, describes, alters and deletes topics', () => checkAdmin(cluster!, CONFLUENT_KAFKA, 'confluentkafka-admin'), 60_000);
  it('produces and consumes keys and headers in every codec (CONFLUENT_KAFKA.codecs), and the SDK reads them', () =>
    checkRoundTripEveryCodec(cluster!, CONFLUENT_KAFKA, 'confluentkafka-codecs'), 90_000);
  it('consumes what the SDK produced', () => checkSdkToClient(cluster!, CONFLUENT_KAFKA, 'confluentkafka-from-sdk'), 60_000);
  it('shares partitions in a group of processes and resumes from the committed offsets', () =>
    checkConsumerGroup(cluster!, CONFLUENT_KAFKA, 'confluentkafka-group', 'confluentkafka-g'), 120_000);
  // Last: it leaves one node down.
  it('carries on through kill -9 of the node it is connected to, losing nothing acknowledged', () =>
    checkKillConnectedNode(cluster!, CONFLUENT_KAFKA, 'confluentkafka-kill', { idempotent: true, bootstrap: 'leader-only' }), 150_000);
});
