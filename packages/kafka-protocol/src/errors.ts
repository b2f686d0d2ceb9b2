import { GregorError, type ErrorName, type GregorErrorContext } from '@gregor/common';

/**
 * What went wrong with bytes on (or for) the wire:
 * - `truncated`: a read would pass the end of the frame or field;
 * - `malformed`: a length, count or varint that cannot be valid (negative, too long,
 *   more elements than bytes left, null where the version does not allow it);
 * - `frame-too-large`: a size prefix over the limit or negative (Kafka's InvalidReceiveException);
 * - `unsupported-version`: encoding a value that the chosen version cannot carry, or a
 *   version outside the schema's validVersions (Kafka's UnsupportedVersionException).
 */
export type ProtocolErrorKind = 'truncated' | 'malformed' | 'frame-too-large' | 'unsupported-version';

const ERROR_NAME_BY_KIND: Record<ProtocolErrorKind, ErrorName> = {
  truncated: 'INVALID_REQUEST',
  malformed: 'INVALID_REQUEST',
  'frame-too-large': 'INVALID_REQUEST',
  'unsupported-version': 'UNSUPPORTED_VERSION',
};

/**
 * The one error this package throws for bad input. Decoding arbitrary bytes
 * throws only this (never a RangeError from Buffer), so a server can catch it
 * and close the connection (Kafka's answer to a request it cannot parse).
 * `code`/`errorName` are Kafka's: INVALID_REQUEST (42), or UNSUPPORTED_VERSION (35).
 */
export class KafkaProtocolError extends GregorError {
  readonly kind: ProtocolErrorKind;

  constructor(kind: ProtocolErrorKind, message: string, context: GregorErrorContext = {}) {
    super(ERROR_NAME_BY_KIND[kind], message, context);
    this.name = 'KafkaProtocolError';
    this.kind = kind;
  }
}

export function isKafkaProtocolError(err: unknown): err is KafkaProtocolError {
  return err instanceof KafkaProtocolError;
}
