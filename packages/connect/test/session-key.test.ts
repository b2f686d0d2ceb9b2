/**
 * KIP-507 request signing (connect.protocol=sessioned): the HMAC of the body
 * in Kafka's headers, checked as Kafka's leader does — 400 without a
 * signature or with an algorithm not accepted, 403 for a wrong one (another
 * key, a changed body, or no key known yet) — and the leader's key rotation.
 */
import { createHmac } from 'node:crypto';
import { checkSignature, newSessionKey, sessionKeyDue, signatureHeaders, type InterWorkerSettings } from '@gregor/connect';

const settings: InterWorkerSettings = { keyAlgorithm: 'HmacSHA256', keySizeBits: 256, keyTtlMs: 60_000, signatureAlgorithm: 'HmacSHA256', verificationAlgorithms: ['HmacSHA256'] };
const lower = (h: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('internal request signatures (KIP-507)', () => {
  const key = newSessionKey(settings, 1000, (n) => Buffer.alloc(n, 7));
  const body = Buffer.from('[{"file":"/tmp/a"}]');

  it('signs with the HMAC of the body in base64, as Kafka’s InternalRequestSignature', () => {
    expect(key.key.length).toBe(32);
    const h = signatureHeaders(key, 'HmacSHA256', body);
    expect(h).toEqual({ 'X-Connect-Authorization': createHmac('sha256', key.key).update(body).digest('base64'), 'X-Connect-Request-Signature-Algorithm': 'HmacSHA256' });
    expect(checkSignature(lower(h), body, key, ['HmacSHA256'])).toBeUndefined();
  });

  it('refuses what is unsigned, signed otherwise or changed', () => {
    expect(checkSignature({}, body, key, ['HmacSHA256'])).toEqual({ status: 400, message: 'Internal request missing required signature' });
    const sha512 = signatureHeaders(key, 'HmacSHA512', body);
    expect(checkSignature(lower(sha512), body, key, ['HmacSHA256'])?.status).toBe(400);
    expect(checkSignature(lower(sha512), body, key, ['HmacSHA256', 'HmacSHA512'])).toBeUndefined();
    const h = lower(signatureHeaders(key, 'HmacSHA256', body));
    const invalid = { status: 403, message: 'Internal request contained invalid signature.' };
    expect(checkSignature(h, Buffer.from('[{"file":"/etc/passwd"}]'), key, ['HmacSHA256'])).toEqual(invalid);
    expect(checkSignature(h, body, newSessionKey(settings, 1000, (n) => Buffer.alloc(n, 8)), ['HmacSHA256'])).toEqual(invalid);
    expect(checkSignature(h, body, undefined, ['HmacSHA256'])).toEqual(invalid);
    expect(checkSignature({ ...h, 'x-connect-authorization': 'AAAA' }, body, key, ['HmacSHA256'])).toEqual(invalid);
  });

  it('the leader writes a key when there is none or it is older than the TTL', () => {
    expect(sessionKeyDue(undefined, 60_000, 0)).toBe(true);
    expect(sessionKeyDue(key, 60_000, 60_999)).toBe(false);
    expect(sessionKeyDue(key, 60_000, 61_000)).toBe(true);
  });
});
