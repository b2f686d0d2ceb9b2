import { KafkaProtocolError } from './errors';

/**
 * What an encoder accepts: the decoded shape with every field optional, at
 * every depth. As in Kafka's generated classes, a field left out takes its
 * schema default, so a handler fills in only what it knows and versions
 * that lack a field simply do not carry it.
 */
export type Encodable<T> = T extends Buffer | string | number | bigint | boolean | null | undefined
  ? T
  : T extends readonly (infer E)[]
    ? readonly Encodable<E>[]
    : { readonly [K in keyof T]?: Encodable<T[K]> };

/** Shared empty default for bytes fields (a zero-length buffer cannot be written to). */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/**
 * Kafka's rule for a field the chosen version lacks: a default value is
 * silently not written; a non-default one is an error unless the schema
 * marks the field ignorable (then it is dropped, as Kafka does).
 */
export function unsupportedField(field: string, version: number): never {
  throw new KafkaProtocolError('unsupported-version', `${field} has a non-default value, which version ${version} cannot carry`, {
    field,
    version,
  });
}

export function checkVersion(message: string, version: number, min: number, max: number): void {
  if (!Number.isInteger(version) || version < min || version > max) {
    throw new KafkaProtocolError('unsupported-version', `${message} version ${version} is outside ${min}-${max}`, { message, version });
  }
}
