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
import { KAFKA_PYTHON } from './client-driver';
import { describeClientSuite } from './scenarios';

describeClientSuite(KAFKA_PYTHON, 'kafkapython', { idempotent: false, bootstrap: 'leader-only' });
