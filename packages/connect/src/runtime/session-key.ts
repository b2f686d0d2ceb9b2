import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * KIP-507 (`connect.protocol=sessioned`): the group leader writes a random
 * session key to the config topic; workers sign the internal requests they
 * send each other (task configs for the leader to write) with an HMAC of the
 * request body, and the leader checks it, so nobody who can reach a worker's
 * REST port but cannot read the config topic can write task configs. Kafka's
 * headers and algorithm names (javax.crypto Mac names). Pure but for the
 * random bytes of a new key.
 */
export const SIGNATURE_HEADER = 'X-Connect-Authorization';
export const SIGNATURE_ALGORITHM_HEADER = 'X-Connect-Request-Signature-Algorithm';

const NODE_HMAC = { HmacSHA256: 'sha256', HmacSHA384: 'sha384', HmacSHA512: 'sha512', HmacSHA1: 'sha1' } as const;
export type HmacAlgorithm = keyof typeof NODE_HMAC;
export const HMAC_ALGORITHMS = Object.keys(NODE_HMAC) as HmacAlgorithm[];

export interface InterWorkerSettings {
  readonly keyAlgorithm: HmacAlgorithm;
  readonly keySizeBits: number;
  readonly keyTtlMs: number;
  readonly signatureAlgorithm: HmacAlgorithm;
  readonly verificationAlgorithms: readonly HmacAlgorithm[];
}

export interface SessionKey {
  readonly key: Buffer;
  /** The key's algorithm as written in the config topic (e.g. HmacSHA256). */
  readonly algorithm: string;
  readonly creationTimestampMs: number;
}

export function newSessionKey(s: InterWorkerSettings, nowMs: number, random: (n: number) => Buffer = randomBytes): SessionKey {
  return { key: random(s.keySizeBits / 8), algorithm: s.keyAlgorithm, creationTimestampMs: nowMs };
}

/** The leader writes a new key when there is none or the current one is older than the TTL (Kafka's DistributedHerder). */
export function sessionKeyDue(current: SessionKey | undefined, ttlMs: number, nowMs: number): boolean {
  return current === undefined || nowMs >= current.creationTimestampMs + ttlMs;
}

function hmac(algorithm: HmacAlgorithm, key: Buffer, body: Buffer): Buffer {
  return createHmac(NODE_HMAC[algorithm], key).update(body).digest();
}

/** The headers that sign an internal request's body. */
export function signatureHeaders(key: SessionKey, algorithm: HmacAlgorithm, body: Buffer): Record<string, string> {
  return { [SIGNATURE_HEADER]: hmac(algorithm, key.key, body).toString('base64'), [SIGNATURE_ALGORITHM_HEADER]: algorithm };
}

/**
 * Checks an internal request's signature; undefined when valid, otherwise
 * Kafka's answer: 400 missing signature or an algorithm this worker does not
 * accept, 403 a wrong signature (or no key known yet to check it with).
 */
export function checkSignature(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  key: SessionKey | undefined,
  accepted: readonly HmacAlgorithm[],
): { status: 400 | 403; message: string } | undefined {
  const header = (name: string): string | undefined => {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const signature = header(SIGNATURE_HEADER);
  const algorithm = header(SIGNATURE_ALGORITHM_HEADER);
  if (signature === undefined || algorithm === undefined) return { status: 400, message: 'Internal request missing required signature' };
  if (!(accepted as readonly string[]).includes(algorithm)) {
    return {
      status: 400,
      message: `This worker does not support the '${algorithm}' key signing algorithm used by other workers. This worker is currently configured to use: [${accepted.join(', ')}]. Check that all workers' configuration files permit the same set of signature algorithms, and correct any misconfigured worker and restart it.`,
    };
  }
  const given = Buffer.from(signature, 'base64');
  const expected = key === undefined ? undefined : hmac(algorithm as HmacAlgorithm, key.key, body);
  if (expected === undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 403, message: 'Internal request contained invalid signature.' };
  return undefined;
}
