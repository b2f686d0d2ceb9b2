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
import { CONFLUENT_KAFKA } from './client-driver';
import { describeClientSuite } from './scenarios';

describeClientSuite(CONFLUENT_KAFKA, 'confluentkafka', { idempotent: true, bootstrap: 'leader-only' });
