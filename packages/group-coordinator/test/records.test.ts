import fc from 'fast-check';
import { decodeRecord, encodeRecord, recordKey, type CoordinatorRecord, type GroupMetadataValue } from '@gregor/group-coordinator';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('__consumer_offsets records in Kafka’s format', () => {
  test('offset key v1 and value v3, byte for byte', () => {
    const { key, value } = encodeRecord({
      type: 'offset',
      groupId: 'g',
      topic: 't',
      partition: 7,
      value: { offset: 5n, leaderEpoch: 2, metadata: 'm', commitTimestampMs: 1000, expireTimestampMs: -1 },
    });
    expect(key).toEqual(hex('0001 0001 67 0001 74 00000007'));
    expect(value).toEqual(hex('0003 0000000000000005 00000002 0001 6d 00000000000003e8'));
  });

  test('group key v2 and value v3, byte for byte', () => {
    const value: GroupMetadataValue = {
      protocolType: 'consumer',
      generationId: 3,
      protocolName: 'range',
      leader: 'm1',
      currentStateTimestampMs: 16,
      members: [{ memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 300000, sessionTimeoutMs: 45000, subscription: hex('0a'), assignment: hex('0b0c') }],
    };
    const enc = encodeRecord({ type: 'group', groupId: 'grp', value });
    expect(enc.key).toEqual(hex('0002 0003 677270'));
    expect(enc.value).toEqual(
      hex(
        '0003' + '0008 636f6e73756d6572' + '00000003' + '0005 72616e6765' + '0002 6d31' + '0000000000000010' + '00000001' +
          '0002 6d31' + 'ffff' + '0001 63' + '0001 68' + '000493e0' + '0000afc8' + '00000001 0a' + '00000002 0b0c',
      ),
    );
    expect(decodeRecord(enc.key, enc.value)).toEqual({ type: 'group', groupId: 'grp', value });
  });

  test('older value versions Kafka wrote are read', () => {
    const key = hex('0000 0001 67 0001 74 00000000'); // offset key v0
    // offset value v1: offset, metadata, commit ts, expire ts
    expect(decodeRecord(key, hex('0001 000000000000000a 0000 0000000000000001 0000000000000002'))).toEqual({
      type: 'offset',
      groupId: 'g',
      topic: 't',
      partition: 0,
      value: { offset: 10n, leaderEpoch: -1, metadata: '', commitTimestampMs: 1, expireTimestampMs: 2 },
    });
    // group value v0: no rebalance timeout (reads as the session timeout), instance id or state timestamp
    const v0 = hex('0000' + '0008 636f6e73756d6572' + '00000001' + '0005 72616e6765' + '0002 6d31' + '00000001' + '0002 6d31' + '0001 63' + '0001 68' + '00002710' + '00000000' + '00000000');
    expect(decodeRecord(hex('0002 0001 67'), v0)).toEqual({
      type: 'group',
      groupId: 'g',
      value: {
        protocolType: 'consumer',
        generationId: 1,
        protocolName: 'range',
        leader: 'm1',
        currentStateTimestampMs: -1,
        members: [{ memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 10000, sessionTimeoutMs: 10000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) }],
      },
    });
  });

  test('tombstones have a null value; corrupt bytes are CORRUPT_MESSAGE', () => {
    const { key, value } = encodeRecord({ type: 'group', groupId: 'g', value: null });
    expect(value).toBeNull();
    expect(decodeRecord(key, null)).toEqual({ type: 'group', groupId: 'g', value: null });
    expect(() => decodeRecord(hex('0009 0001 67'), null)).toThrow(/CORRUPT_MESSAGE/);
    expect(() => decodeRecord(hex('0001 0005 67'), null)).toThrow(/CORRUPT_MESSAGE/);
    expect(() => decodeRecord(hex('0002 0001 67'), hex('0003 0001'))).toThrow(/CORRUPT_MESSAGE/);
    expect(() => decodeRecord(hex('0002 0001 67'), hex('0007'))).toThrow(/CORRUPT_MESSAGE/);
    // A member count that the bytes cannot hold is refused before allocating.
    expect(() => decodeRecord(hex('0002 0001 67'), hex('0003 0000 00000001 ffff ffff 0000000000000000 7fffffff'))).toThrow(/CORRUPT_MESSAGE/);
  });

  const str = fc.string({ maxLength: 20 });
  const bytes = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a));
  const record: fc.Arbitrary<CoordinatorRecord> = fc.oneof(
    fc.record({
      type: fc.constant('offset' as const),
      groupId: str,
      topic: str,
      partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      value: fc.option(
        fc.record({
          offset: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
          leaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
          metadata: str,
          commitTimestampMs: fc.integer({ min: 0, max: 2 ** 50 }),
          expireTimestampMs: fc.constant(-1),
        }),
      ),
    }),
    fc.record({
      type: fc.constant('group' as const),
      groupId: str,
      value: fc.option(
        fc.record({
          protocolType: str,
          generationId: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          protocolName: fc.option(str),
          leader: fc.option(str),
          currentStateTimestampMs: fc.integer({ min: -1, max: 2 ** 50 }),
          members: fc.array(
            fc.record({
              memberId: str,
              groupInstanceId: fc.option(str),
              clientId: str,
              clientHost: str,
              rebalanceTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              sessionTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              subscription: bytes,
              assignment: bytes,
            }),
            { maxLength: 4 },
          ),
        }),
      ),
    }),
  );

  test('every record survives encode → decode, and its compaction key follows its key bytes', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        const ea = encodeRecord(a);
        expect(decodeRecord(ea.key, ea.value)).toEqual(a);
        const eb = encodeRecord(b);
        expect(recordKey(a) === recordKey(b)).toBe(ea.key.equals(eb.key));
      }),
    );
  });
});
