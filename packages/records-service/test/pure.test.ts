import * as grpc from '@grpc/grpc-js';
import { GregorError, type ErrorName } from '@gregor/common';
import { estimateRecordSize, type GregorError as ClientError } from '@gregor/client';
import type { PublishRequest__Output, ReadRequest__Output } from '@gregor/proto';
import { ByteBudget, checkPartitions, decodePublish, decodeRead, encodePublishResults, grpcStatusFor, int64Out, toServiceError } from '@gregor/records-service';

const rec = (over: Partial<PublishRequest__Output['records'][number]> = {}): PublishRequest__Output['records'][number] => ({ headers: [], value: Buffer.from('v'), ...over });
const pub = (over: Partial<PublishRequest__Output> = {}): PublishRequest__Output => ({ topic: 't', records: [rec()], acks: 'PUBLISH_ACKS_ALL', ...over });
const rd = (over: Partial<ReadRequest__Output> = {}): ReadRequest__Output => ({ topic: 't', partition: 0, maxRecords: 0, maxBytes: 0, maxWaitMs: 0, isolationLevel: 'ISOLATION_LEVEL_READ_UNCOMMITTED', ...over });

function thrownName(fn: () => unknown): ErrorName | undefined {
  try {
    fn();
  } catch (err) {
    return (err as GregorError).errorName;
  }
  return undefined;
}

describe('decodePublish', () => {
  it('turns records into SDK messages: unset key/value are null, timestamps bigint, partitions kept; bytes as the producer counts them', () => {
    const call = decodePublish(pub({ records: [rec({ key: Buffer.from('k'), partition: 2, timestampMs: '5' }), rec({ value: undefined })] }), 1 << 20);
    expect(call.messages).toEqual([
      { key: Buffer.from('k'), value: Buffer.from('v'), headers: [], partition: 2, timestamp: 5n },
      { key: null, value: null, headers: [] },
    ]);
    expect(call.maxPartition).toBe(2);
    expect(call.acks).toBe('all');
    expect(call.bytes).toBe(estimateRecordSize(Buffer.from('k'), Buffer.from('v'), []) + estimateRecordSize(null, null, []));
  });

  it('rejects bad input by Kafka name, before anything is sent', () => {
    expect(thrownName(() => decodePublish(pub({ records: [] }), 1 << 20))).toBe('INVALID_REQUEST');
    expect(thrownName(() => decodePublish(pub({ topic: '' }), 1 << 20))).toBe('INVALID_TOPIC_EXCEPTION');
    expect(thrownName(() => decodePublish(pub({ acks: 7 as unknown as 'PUBLISH_ACKS_ALL' }), 1 << 20))).toBe('INVALID_REQUEST');
    expect(thrownName(() => decodePublish(pub({ records: [rec({ partition: -1 })] }), 1 << 20))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(thrownName(() => decodePublish(pub({ records: [rec({ value: Buffer.alloc(2000) })] }), 1000))).toBe('MESSAGE_TOO_LARGE');
    expect(thrownName(() => checkPartitions(decodePublish(pub({ records: [rec({ partition: 3 })] }), 1 << 20), 3))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(thrownName(() => checkPartitions(decodePublish(pub({ records: [rec({ partition: 2 })] }), 1 << 20), 3))).toBeUndefined();
  });

  it('encodes per-record results in order: metadata, or Kafka\'s error with partition/offset -1', () => {
    const err = new GregorError('NOT_ENOUGH_REPLICAS', 'x');
    expect(encodePublishResults([{ topic: 't', partition: 1, offset: 9n, timestamp: 3n }, err as unknown as ClientError]).results).toEqual([
      { partition: 1, offset: 9, timestampMs: 3 },
      { error: { code: 19, name: 'NOT_ENOUGH_REPLICAS', message: err.message, retriable: true }, partition: -1, offset: -1, timestampMs: -1 },
    ]);
  });

  it('int64Out: numbers while exact, decimal strings beyond 2^53', () => {
    expect(int64Out(9007199254740991n)).toBe(9007199254740991);
    expect(int64Out(9007199254740993n)).toBe('9007199254740993');
    expect(int64Out(-9007199254740993n)).toBe('-9007199254740993');
  });
});

describe('decodeRead', () => {
  it('maps offsets (-2 earliest, -1 latest), timestamps, defaults and caps', () => {
    expect(decodeRead(rd({ offset: '-2', start: 'offset' }))).toMatchObject({ from: 'earliest', maxRecords: 500, maxBytes: 1 << 20, maxWaitMs: 0 });
    expect(decodeRead(rd({ offset: '-1', start: 'offset' })).from).toBe('latest');
    expect(decodeRead(rd({ offset: '42', start: 'offset' })).from).toBe(42n);
    expect(decodeRead(rd()).from).toBe(0n);
    expect(decodeRead(rd({ timestampMs: '1000', start: 'timestampMs' })).from).toEqual({ timestamp: 1000n });
    expect(decodeRead(rd({ maxRecords: 1e9, maxBytes: 2e9, maxWaitMs: 1e9 }))).toMatchObject({ maxRecords: 10_000, maxBytes: 16 << 20, maxWaitMs: 30_000 });
  });

  it('rejects negative values and bad offsets', () => {
    expect(thrownName(() => decodeRead(rd({ offset: '-3', start: 'offset' })))).toBe('INVALID_REQUEST');
    expect(thrownName(() => decodeRead(rd({ maxWaitMs: -1 })))).toBe('INVALID_REQUEST');
    expect(thrownName(() => decodeRead(rd({ partition: -1 })))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(thrownName(() => decodeRead(rd({ timestampMs: '-5', start: 'timestampMs' })))).toBe('INVALID_REQUEST');
  });
});

describe('gRPC status mapping', () => {
  it('follows records.proto: specific cases, then retriable → UNAVAILABLE, else INVALID_ARGUMENT', () => {
    const status = (n: ErrorName): grpc.status => grpcStatusFor(new GregorError(n, ''));
    expect(status('UNKNOWN_TOPIC_OR_PARTITION')).toBe(grpc.status.NOT_FOUND);
    expect(status('MESSAGE_TOO_LARGE')).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status('THROTTLING_QUOTA_EXCEEDED')).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status('OFFSET_OUT_OF_RANGE')).toBe(grpc.status.OUT_OF_RANGE);
    expect(status('NOT_LEADER_OR_FOLLOWER')).toBe(grpc.status.UNAVAILABLE);
    expect(status('COORDINATOR_NOT_AVAILABLE')).toBe(grpc.status.UNAVAILABLE);
    expect(status('BROKER_NOT_AVAILABLE')).toBe(grpc.status.UNAVAILABLE); // starting or stopping node
    expect(status('REQUEST_TIMED_OUT')).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(status('INVALID_REQUEST')).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status('UNKNOWN_SERVER_ERROR')).toBe(grpc.status.INTERNAL);
  });

  it('puts Kafka\'s name and code, and the offsets of an out-of-range read, in the trailing metadata', () => {
    const e = toServiceError(new GregorError('OFFSET_OUT_OF_RANGE', 'x', { logStartOffset: 3n, highWatermark: 10n }));
    expect(e.code).toBe(grpc.status.OUT_OF_RANGE);
    expect(e.metadata!.getMap()).toEqual({ 'gregor-error-name': 'OFFSET_OUT_OF_RANGE', 'gregor-error-code': '1', 'gregor-log-start-offset': '3', 'gregor-high-watermark': '10' });
    expect(toServiceError(new Error('boom')).code).toBe(grpc.status.INTERNAL);
  });
});

describe('ByteBudget', () => {
  it('refuses a take past the limit unless nothing is in flight; release frees', () => {
    const b = new ByteBudget(100);
    expect(b.tryTake(150)).toBe(true); // alone: always passes
    expect(b.tryTake(1)).toBe(false);
    b.release(150);
    expect(b.tryTake(60)).toBe(true);
    expect(b.tryTake(40)).toBe(true);
    expect(b.tryTake(1)).toBe(false);
    b.release(40);
    expect(b.used).toBe(60);
    expect(() => b.release(61)).toThrow(/released more/);
  });
});
