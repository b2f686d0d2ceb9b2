import fc from 'fast-check';
import {
  API_KEYS,
  API_VERSIONS_API,
  GENERATED_APIS,
  KafkaProtocolError,
  METADATA_API,
  PRODUCE_API,
  apiName,
  decodeRequestBody,
  encodeRequestFrame,
  peekRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '@gregor/kafka-protocol';

const seed = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);

function requestFrame(...args: Parameters<typeof encodeRequestFrame>): Buffer {
  return Buffer.concat(encodeRequestFrame(...args)).subarray(4);
}

describe('header versions', () => {
  test('flexible API versions use request header v2 and response header v1, others v1 and v0', () => {
    expect([requestHeaderVersion(PRODUCE_API, 8), responseHeaderVersion(PRODUCE_API, 8)]).toEqual([1, 0]);
    expect([requestHeaderVersion(PRODUCE_API, 9), responseHeaderVersion(PRODUCE_API, 9)]).toEqual([2, 1]);
  });

  test('the ApiVersions response is always header v0, its request follows the rule', () => {
    expect([requestHeaderVersion(API_VERSIONS_API, 3), responseHeaderVersion(API_VERSIONS_API, 3)]).toEqual([2, 0]);
    expect(responseHeaderVersion(API_VERSIONS_API, 4)).toBe(0);
  });
});

describe('API keys', () => {
  test('names every key Kafka defines, served or not', () => {
    expect(API_KEYS.Produce).toBe(0);
    expect(API_KEYS.ApiVersions).toBe(18);
    expect(apiName(3)).toBe('Metadata');
    expect(apiName(57)).toBe('UpdateFeatures');
    expect(apiName(9999)).toBe('ApiKey(9999)');
    for (const [key, api] of GENERATED_APIS) expect(apiName(key)).toBe(api.name);
  });
});

describe('peekRequestHeader and decodeRequestBody', () => {
  test('an unknown API key is reported without parsing further', () => {
    const bytes = Buffer.from('2710' + '0001' + '0000002a' + '00026869', 'hex');
    expect(peekRequestHeader(bytes)).toEqual({ apiKey: 10000, apiVersion: 1, correlationId: 42, clientId: null, api: undefined, bodyOffset: -1 });
  });

  test('fewer than the 8 fixed header bytes is truncated', () => {
    expect(() => peekRequestHeader(Buffer.from('00120000', 'hex'))).toThrow(expect.objectContaining({ kind: 'truncated', code: 42 }));
  });

  test('a version past the schema is peeked, then refused as UNSUPPORTED_VERSION', () => {
    const frame = Buffer.from('0003' + '0063' + '00000001' + '0000' + '00' + '00', 'hex'); // Metadata v99, flexible header
    const h = peekRequestHeader(frame);
    expect(h).toMatchObject({ apiKey: 3, apiVersion: 99, clientId: '', bodyOffset: 11 });
    expect(() => decodeRequestBody(METADATA_API, h, frame)).toThrow(expect.objectContaining({ kind: 'unsupported-version', code: 35 }));
  });

  test('bytes after the body are malformed', () => {
    const frame = Buffer.concat([requestFrame(METADATA_API, 1, { correlationId: 1, clientId: 'c' }, { topics: null }), Buffer.from([0])]);
    expect(() => decodeRequestBody(METADATA_API, peekRequestHeader(frame), frame)).toThrow(/1 bytes after its body/);
  });

  test('a null client id round-trips', () => {
    const frame = requestFrame(PRODUCE_API, 9, { correlationId: 7, clientId: null }, { acks: 0 });
    expect(peekRequestHeader(frame)).toMatchObject({ correlationId: 7, clientId: null });
  });

  test('random frames and mutated real ones are decoded or refused with KafkaProtocolError only', () => {
    const real = [...GENERATED_APIS.values()].map((api) => requestFrame(api, api.maxVersion, { correlationId: 1, clientId: 'fuzz' }, {}));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
          fc.tuple(fc.nat(real.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 })).map(([i, muts]) => {
            const b = Buffer.from(real[i]!);
            for (const [at, byte] of muts) b[at % b.length] = byte;
            return b;
          }),
        ),
        (frame) => {
          try {
            const h = peekRequestHeader(frame);
            if (h.api !== undefined) decodeRequestBody(h.api, h, frame);
          } catch (e) {
            if (!(e instanceof KafkaProtocolError)) throw e;
          }
        },
      ),
      { numRuns: 10_000, ...(seed === undefined ? {} : { seed }) },
    );
  });
});
