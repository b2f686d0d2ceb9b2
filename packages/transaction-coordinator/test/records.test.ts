import fc from 'fast-check';
import { TXN_STATES, decodeTxnRecord, encodeTxnRecord, mergePartitions, type TxnMetadata } from '@gregor/transaction-coordinator';

describe('__transaction_state records', () => {
  it('encode Kafka’s TransactionLogKey v0 / TransactionLogValue v0 bytes', () => {
    const value: TxnMetadata = {
      transactionalId: 'tx',
      producerId: 7n,
      lastProducerId: -1n,
      producerEpoch: 3,
      lastProducerEpoch: -1,
      timeoutMs: 60_000,
      state: 'Ongoing',
      partitions: [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 2 },
      ],
      txnStartMs: 1000,
      lastUpdateMs: 2000,
    };
    const { key, value: bytes } = encodeTxnRecord({ transactionalId: 'tx', value });
    expect(key.toString('hex')).toBe('0000' + '0002' + Buffer.from('tx').toString('hex'));
    expect(bytes!.toString('hex')).toBe(
      '0000' + // version
        '0000000000000007' + // producer id
        '0003' + // epoch
        '0000ea60' + // timeout
        '01' + // Ongoing
        '00000001' + // one topic
        '0001' + '61' + // "a"
        '00000002' + '00000000' + '00000002' + // partitions 0, 2
        '00000000000007d0' + // last update
        '00000000000003e8', // start
    );
    expect(decodeTxnRecord(key, bytes)).toEqual({ transactionalId: 'tx', value });
    expect(decodeTxnRecord(key, null)).toEqual({ transactionalId: 'tx', value: null });
  });

  it('round-trip any metadata (previous id and epoch are not stored, as in Kafka)', () => {
    const tp = fc.record({ topic: fc.string({ minLength: 1, maxLength: 20 }), partition: fc.integer({ min: 0, max: 1000 }) });
    const meta = fc.record({
      transactionalId: fc.string({ minLength: 1, maxLength: 40 }),
      producerId: fc.bigInt({ min: 0n, max: (1n << 62n) - 1n }),
      producerEpoch: fc.integer({ min: 0, max: 0x7fff }),
      timeoutMs: fc.integer({ min: 1, max: 900_000 }),
      state: fc.constantFrom(...TXN_STATES),
      partitions: fc.array(tp, { maxLength: 10 }).map((ps) => mergePartitions([], ps)),
      txnStartMs: fc.integer({ min: -1, max: 2 ** 42 }),
      lastUpdateMs: fc.integer({ min: 0, max: 2 ** 42 }),
    });
    fc.assert(
      fc.property(meta, (m) => {
        const value: TxnMetadata = { ...m, lastProducerId: -1n, lastProducerEpoch: -1 };
        const { key, value: bytes } = encodeTxnRecord({ transactionalId: m.transactionalId, value });
        expect(decodeTxnRecord(key, bytes)).toEqual({ transactionalId: m.transactionalId, value });
      }),
    );
  });

  it('refuses unknown versions and truncated values with CORRUPT_MESSAGE', () => {
    const { key, value } = encodeTxnRecord({ transactionalId: 't', value: { transactionalId: 't', producerId: 1n, lastProducerId: -1n, producerEpoch: 0, lastProducerEpoch: -1, timeoutMs: 1, state: 'Empty', partitions: [], txnStartMs: -1, lastUpdateMs: 0 } });
    expect(() => decodeTxnRecord(Buffer.from('0001000174', 'hex'), null)).toThrow(expect.objectContaining({ errorName: 'CORRUPT_MESSAGE' }));
    expect(() => decodeTxnRecord(key, value!.subarray(0, value!.length - 3))).toThrow(expect.objectContaining({ errorName: 'CORRUPT_MESSAGE' }));
    const badStatus = Buffer.from(value!);
    badStatus.writeInt8(9, 2 + 8 + 2 + 4);
    expect(() => decodeTxnRecord(key, badStatus)).toThrow(/unknown status 9/);
  });
});
