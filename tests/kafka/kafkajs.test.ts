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
import { KAFKAJS } from './client-driver';
import { checkMixedGroupWithSdk, describeClientSuite } from './scenarios';

describeClientSuite(KAFKAJS, 'kafkajs', { idempotent: true, bootstrap: 'leader-first' }, (cluster) => {
  it('shares a group with an SDK consumer: partitions and committed offsets', () =>
    checkMixedGroupWithSdk(cluster(), KAFKAJS, 'kafkajs-mixed', 'kafkajs-mixed-g'), 120_000);
});
