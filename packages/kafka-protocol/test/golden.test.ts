/**
 * Byte vectors written by hand from Kafka's documented layouts
 * (https://kafka.apache.org/protocol, "The Messages"), one labelled piece per
 * field in the documented order, not produced by this package. Each vector
 * is checked both ways: encoding the object gives exactly these bytes, and
 * decoding the bytes gives the object back.
 */
import {
  API_VERSIONS_API,
  FETCH_API,
  METADATA_API,
  PRODUCE_API,
  decodeRequestBody,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  peekRequestHeader,
  unsupportedApiVersionsResponse,
  type ApiDefinition,
  type Encodable,
} from '@gregor/kafka-protocol';

/** Hex pieces (spaces ignored) with the int32 size prefix of a frame in front. */
function frame(...pieces: string[]): string {
  const body = pieces.join('').replace(/\s+/g, '');
  return (body.length / 2).toString(16).padStart(8, '0') + body;
}

const hexOf = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('hex');
const bodyOf = (hex: string): Buffer => Buffer.from(hex, 'hex').subarray(4);
const CLIENT = { correlationId: 0, clientId: 'kcat' };
const KCAT = '0004 6b636174'; // client_id: int16 length, then "kcat" (a classic string in every header version)
const T = { v1: '0001 74', compact: '02 74' }; // topic "t"
const RECORDS = Buffer.from([1, 2, 3]); // opaque to the codec: a records field is a length and bytes

function checkRequest<Req>(api: ApiDefinition<Req, unknown>, version: number, correlationId: number, body: Encodable<Req>, expected: string): void {
  expect(hexOf(encodeRequestFrame(api, version, { ...CLIENT, correlationId }, body))).toBe(expected);
  const frameBody = bodyOf(expected);
  const header = peekRequestHeader(frameBody);
  expect(header).toMatchObject({ apiKey: api.apiKey, apiVersion: version, correlationId, clientId: 'kcat' });
  expect(decodeRequestBody(api, header, frameBody)).toMatchObject(body as object);
}

function checkResponse<Res>(api: ApiDefinition<unknown, Res>, version: number, correlationId: number, body: Encodable<Res>, expected: string): void {
  expect(hexOf(encodeResponseFrame(api, version, correlationId, body))).toBe(expected);
  const decoded = decodeResponseFrame(api, version, bodyOf(expected));
  expect(decoded.correlationId).toBe(correlationId);
  expect(decoded.body).toMatchObject(body as object);
  // What was decoded (defaults filled in) encodes to the same bytes.
  expect(hexOf(encodeResponseFrame(api, version, correlationId, decoded.body as Encodable<Res>))).toBe(expected);
}

describe('ApiVersions', () => {
  test('v0 request: header v1, empty body', () => {
    checkRequest(API_VERSIONS_API, 0, 1, {}, frame('0012 0000 00000001', KCAT));
  });

  test('v3 request: header v2 (classic client_id, then TAG_BUFFER), compact strings', () => {
    checkRequest(
      API_VERSIONS_API,
      3,
      2,
      { clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7.0' },
      frame('0012 0003 00000002', KCAT, '00', '05 6b636174', '06 312e372e30', '00'),
    );
  });

  test('v0 response: header v0, int32 array of (api_key, min_version, max_version)', () => {
    checkResponse(
      API_VERSIONS_API,
      0,
      1,
      { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }] },
      frame('00000001', '0000', '00000002', '0000 0003 0009', '0012 0000 0003'),
    );
  });

  test('v3 response: still header v0 (no TAG_BUFFER), compact array, throttle, a tagged FinalizedFeaturesEpoch', () => {
    checkResponse(
      API_VERSIONS_API,
      3,
      2,
      {
        errorCode: 0,
        apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }],
        throttleTimeMs: 0,
        finalizedFeaturesEpoch: 7n,
      },
      frame('00000002', '0000', '03', '0000 0003 0009 00', '0012 0000 0003 00', '00000000', '01', '01 08 0000000000000007'),
    );
  });

  test('an unsupported version gets the v0 answer with UNSUPPORTED_VERSION (35) and ApiVersions\' own range', () => {
    expect(hexOf(unsupportedApiVersionsResponse(9, { minVersion: 0, maxVersion: 3 }))).toBe(
      frame('00000009', '0023', '00000001', '0012 0000 0003'),
    );
    // A v4+ request is still readable far enough to answer it: header v2 because 4 >= 3 is flexible.
    const header = peekRequestHeader(bodyOf(frame('0012 0007 00000009', KCAT, '00', 'ffff')));
    expect(header).toMatchObject({ apiKey: 18, apiVersion: 7, correlationId: 9, clientId: 'kcat', bodyOffset: 15 });
  });
});

describe('Metadata', () => {
  test('v1 request: null topics (all topics)', () => {
    checkRequest(METADATA_API, 1, 3, { topics: null }, frame('0003 0001 00000003', KCAT, 'ffffffff'));
  });

  test('v1 request: one topic', () => {
    checkRequest(METADATA_API, 1, 3, { topics: [{ name: 't' }] }, frame('0003 0001 00000003', KCAT, '00000001', T.v1));
  });

  const broker = { nodeId: 1, host: 'h', port: 9047, rack: null };
  const partition = { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] };

  test('v1 response: brokers with rack, controller_id, topics with is_internal', () => {
    checkResponse(
      METADATA_API,
      1,
      3,
      { brokers: [broker], controllerId: 1, topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [partition] }] },
      frame(
        '00000003',
        '00000001', '00000001 0001 68 00002357 ffff', // brokers: node_id host port rack(null)
        '00000001', // controller_id
        '00000001', '0000', T.v1, '00', // topics: error_code name is_internal
        '00000001', '0000 00000000 00000001', '00000001 00000001', '00000001 00000001', // partitions
      ),
    );
  });

  const topicId = '01020304-0506-0708-090a-0b0c0d0e0f10';

  test('v12 request: header v2, compact array of (topic_id, nullable name), flags', () => {
    checkRequest(
      METADATA_API,
      12,
      4,
      { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 't' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false },
      frame('0003 000c 00000004', KCAT, '00', '02', '00000000000000000000000000000000', T.compact, '00', '01', '00', '00'),
    );
  });

  test('v12 response: header v1, compact everything, topic ids, leader epochs, offline replicas', () => {
    checkResponse(
      METADATA_API,
      12,
      4,
      {
        throttleTimeMs: 0,
        brokers: [broker],
        clusterId: 'c',
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: 't',
            topicId,
            isInternal: false,
            partitions: [{ ...partition, leaderEpoch: 5, offlineReplicas: [] }],
            topicAuthorizedOperations: -2147483648,
          },
        ],
      },
      frame(
        '00000004 00', // header v1: correlation_id, TAG_BUFFER
        '00000000', // throttle_time_ms
        '02', '00000001 02 68 00002357 00 00', // brokers: node_id host port rack(null) TAG_BUFFER
        '02 63', // cluster_id "c"
        '00000001', // controller_id
        '02', '0000', T.compact, '0102030405060708090a0b0c0d0e0f10', '00', // topics: error_code name topic_id is_internal
        '02', '0000 00000000 00000001 00000005', '02 00000001', '02 00000001', '01', '00', // partitions ... offline_replicas TAG_BUFFER
        '80000000', '00', // topic_authorized_operations, TAG_BUFFER
        '00', // TAG_BUFFER
      ),
    );
  });
});

describe('Produce', () => {
  test('v3 request: nullable transactional_id, acks, timeout, topics of partitions of records', () => {
    checkRequest(
      PRODUCE_API,
      3,
      5,
      { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 0, records: RECORDS }] }] },
      frame('0000 0003 00000005', KCAT, 'ffff', 'ffff', '00007530', '00000001', T.v1, '00000001', '00000000', '00000003 010203'),
    );
  });

  test('v3 response: base_offset, log_append_time, throttle', () => {
    checkResponse(
      PRODUCE_API,
      3,
      5,
      { responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n }] }], throttleTimeMs: 0 },
      frame('00000005', '00000001', T.v1, '00000001', '00000000 0000 000000000000002a ffffffffffffffff', '00000000'),
    );
  });

  test('v9 request: header v2, compact nullable transactional_id, compact records', () => {
    checkRequest(
      PRODUCE_API,
      9,
      6,
      { transactionalId: null, acks: 1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 0, records: RECORDS }] }] },
      frame('0000 0009 00000006', KCAT, '00', '00', '0001', '00007530', '02', T.compact, '02', '00000000', '04 010203', '00', '00', '00'),
    );
  });

  test('v9 response: header v1, log_start_offset, empty record_errors, null error_message', () => {
    checkResponse(
      PRODUCE_API,
      9,
      6,
      {
        responses: [
          { name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] },
        ],
        throttleTimeMs: 0,
      },
      frame(
        '00000006 00',
        '02', T.compact,
        '02', '00000000 0000 000000000000002a ffffffffffffffff 0000000000000000', '01', '00', '00', // ... record_errors error_message TAG_BUFFER
        '00', // topic TAG_BUFFER
        '00000000', '00',
      ),
    );
  });
});

describe('Fetch', () => {
  test('v4 request: replica_id, max_wait, min_bytes, max_bytes, isolation_level, topics', () => {
    checkRequest(
      FETCH_API,
      4,
      7,
      { replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1048576, isolationLevel: 1, topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1048576 }] }] },
      frame('0001 0004 00000007', KCAT, 'ffffffff 000001f4 00000001 00100000 01', '00000001', T.v1, '00000001', '00000000 0000000000000000 00100000'),
    );
  });

  test('v4 response: last_stable_offset and aborted_transactions, records', () => {
    checkResponse(
      FETCH_API,
      4,
      7,
      {
        throttleTimeMs: 0,
        responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, abortedTransactions: [], records: RECORDS }] }],
      },
      frame('00000007', '00000000', '00000001', T.v1, '00000001', '00000000 0000 000000000000000a 000000000000000a', '00000000', '00000003 010203'),
    );
  });

  test('v12 request: sessions, current_leader_epoch, last_fetched_epoch, forgotten topics, rack_id', () => {
    checkRequest(
      FETCH_API,
      12,
      8,
      {
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 1048576,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 3, fetchOffset: 5n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1048576 }] }],
        forgottenTopicsData: [],
        rackId: '',
      },
      frame(
        '0001 000c 00000008', KCAT, '00',
        'ffffffff 000001f4 00000001 00100000 01 00000000 ffffffff',
        '02', T.compact, '02', '00000000 00000003 0000000000000005 ffffffff ffffffffffffffff 00100000 00', '00',
        '01', // forgotten_topics_data: empty
        '01', // rack_id ""
        '00', // TAG_BUFFER (cluster_id, tag 0, is null: not written)
      ),
    );
  });

  test('v12 response: header v1, error_code, session_id, a tagged current_leader', () => {
    checkResponse(
      FETCH_API,
      12,
      8,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [
          {
            topic: 't',
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 10n,
                lastStableOffset: 10n,
                logStartOffset: 0n,
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: RECORDS,
                currentLeader: { leaderId: 2, leaderEpoch: 4 },
              },
            ],
          },
        ],
      },
      frame(
        '00000008 00',
        '00000000 0000 00000000',
        '02', T.compact,
        '02', '00000000 0000 000000000000000a 000000000000000a 0000000000000000', '00', 'ffffffff', '04 010203',
        '01', '01 09 00000002 00000004 00', // one tagged field: tag 1 (current_leader), 9 bytes: leader_id leader_epoch TAG_BUFFER
        '00', // topic TAG_BUFFER
        '00',
      ),
    );
  });
});
