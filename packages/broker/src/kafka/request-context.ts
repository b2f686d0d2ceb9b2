import type { RequestContext } from '../api/context';

/** The listener name Kafka clients come in on: Metadata and FindCoordinator answer with brokers' KAFKA addresses. */
export const KAFKA_LISTENER = 'KAFKA';

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
