/**
 * A request the worker refuses, with the HTTP status Kafka Connect's REST API
 * answers it with (400 bad request / invalid config, 404 unknown connector or
 * task, 409 conflict: already exists or a rebalance is under way, 403 an
 * internal request with a wrong signature).
 */
export class HerderError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'HerderError';
  }
}

export const notFound = (connector: string): HerderError => new HerderError(404, `Connector ${connector} not found`);
