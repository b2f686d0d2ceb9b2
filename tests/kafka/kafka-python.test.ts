/**
 * kafka-python against a real 3-node Gregor cluster through the KAFKA listeners
 * (issue 12 item 7), as a separate process per client (clients/, driven by
 * client-driver.ts): metadata, admin, produce and consume with keys and
 * headers in every codec it has, read back by the SDK too; SDK → kafka-python;
 * a consumer group of several processes with commits and resume; kill -9 of
 * the node it is connected to while it produces and consumes
 * (kafka-python 2.0.2 (Debian python3-kafka) has no idempotent producer: the kill -9 check is at-least-once).
 * Skipped with a SKIPPED line when the clients are not installed
 * (scripts/install-kafka-clients.sh), except under CI=true.
 */
import { KAFKA_PYTHON, describeWithKafkaClients } from './client-driver';
import { checkAdmin, checkConsumerGroup, checkKillConnectedNode, checkMetadata, checkRoundTripEveryCodec, checkSdkToClient, KafkaCluster } from './scenarios';

describeWithKafkaClients('tests/kafka/kafka-python')('kafka-python against a 3-node cluster', () => {
  let cluster: KafkaCluster | undefined;
  beforeAll(async () => {
    cluster = await KafkaCluster.start();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('metadata lists every broker at its KAFKA address', () => checkMetadata(cluster!, KAFKA_PYTHON, 'kafkapython-md'), 60_000);
  it('creates, describes, alters and deletes topics', () => checkAdmin(cluster!, KAFKA_PYTHON, 'kafkapython-admin'), 60_000);
  it('produces and consumes keys and headers in every codec (KAFKA_PYTHON.codecs), and the SDK reads them', () =>
    checkRoundTripEveryCodec(cluster!, KAFKA_PYTHON, 'kafkapython-codecs'), 90_000);
  it('consumes what the SDK produced', () => checkSdkToClient(cluster!, KAFKA_PYTHON, 'kafkapython-from-sdk'), 60_000);
  it('shares partitions in a group of processes and resumes from the committed offsets', () =>
    checkConsumerGroup(cluster!, KAFKA_PYTHON, 'kafkapython-group', 'kafkapython-g'), 120_000);
  // Last: it leaves one node down.
  it('carries on through kill -9 of the node it is connected to, losing nothing acknowledged', () =>
    checkKillConnectedNode(cluster!, KAFKA_PYTHON, 'kafkapython-kill', { idempotent: false, bootstrap: 'leader-only' }), 150_000);
});
