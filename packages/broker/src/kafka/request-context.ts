import type { RequestContext } from '../api/context';

/** The listener name Kafka clients come in on: Metadata and FindCoordinator answer with brokers' KAFKA addresses. */
export const KAFKA_LISTENER = 'KAFKA';

/**
 * The KAFKA listener's address registered once more under this name: the
 * broker's Kafka front end serves followers' Fetch (replica_id ≥ 0). A
 * follower with replica.fetch.transport=kafka fetches there only from a
 * leader that registered it — an older leader would take the fetch for a
 * consumer's (records only up to its HW, the follower's position not
 * counted) — and over gRPC otherwise.
 */
export const KAFKA_REPLICATION_LISTENER = 'KAFKA_REPLICATION';

/**
 * A Kafka request as a RequestContext: the client id from the request
 * header, the peer's address as Kafka shows it ("/ip"), and the
 * connection's abort signal (a long-poll stops waiting when its client
 * goes away).
 */
export class KafkaRequestContext implements RequestContext {
  readonly listener = KAFKA_LISTENER;
  readonly clientId: string;

  constructor(
    clientId: string | null,
    readonly clientHost: string,
    readonly signal: AbortSignal,
  ) {
    this.clientId = clientId === null || clientId === '' ? 'unknown' : clientId;
  }
}
