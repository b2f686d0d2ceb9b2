import type { GregorError } from '@gregor/common';

/**
 * Who asked, and on which listener: what a front end (gRPC, Kafka) knows
 * about a request besides its body. Built once per request by the front
 * end; fields may be computed lazily (a getter), since most APIs never read
 * the client's id or host.
 */
export interface RequestContext {
  /**
   * The listener the request came in on (e.g. `CLIENT`, `INTERNAL`,
   * `KAFKA`). Metadata, FindCoordinator and DescribeCluster name brokers by
   * their address on this listener, so each client gets addresses it can
   * reach; a broker without it is left out (Kafka's way).
   */
  readonly listener: string;
  /** The client's id (Kafka's request header `client_id`; gRPC metadata `client-id`); `unknown` when none. */
  readonly clientId: string;
  /** The client's address as Kafka shows it: `/ip`. */
  readonly clientHost: string;
  /**
   * Aborted when the client goes away. A long-poll (Fetch) then stops
   * waiting and answers with no partitions; nobody reads that answer. May
   * be one signal per connection: a request removes its listener when it
   * ends.
   */
  readonly signal?: AbortSignal;
}

/**
 * A per-topic / per-partition / per-group error: Kafka's error (code, name,
 * retriable; `message` starts with the name) and context such as
 * `leaderHint`. `null` means NONE. The gRPC front end sends code, name,
 * message and retriable; the Kafka front end sends `code` (and `message`
 * where the version has an error_message field).
 */
export type ApiError = GregorError;
