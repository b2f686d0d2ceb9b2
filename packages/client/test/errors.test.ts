import * as grpc from '@grpc/grpc-js';
import { GregorError, withRetry } from '@gregor/common';
import { isRetriableError, needsMetadataRefresh } from '@gregor/client';
import { errorFromGrpc, errorFromWire, isTransportError } from '../src/errors';

describe('retry classification', () => {
  it('retries only retriable GregorErrors, never programmer errors', () => {
    expect(isRetriableError(new GregorError('NOT_LEADER_OR_FOLLOWER', 'x'))).toBe(true);
    expect(isRetriableError(new GregorError('NETWORK_EXCEPTION', 'x'))).toBe(true);
    expect(isRetriableError(new GregorError('MESSAGE_TOO_LARGE', 'x'))).toBe(false);
    expect(isRetriableError(new GregorError('TOPIC_ALREADY_EXISTS', 'x'))).toBe(false);
    expect(isRetriableError(new TypeError('undefined is not a function'))).toBe(false);
  });

  it('refreshes metadata for stale-leadership and connection errors only', () => {
    for (const name of ['NOT_LEADER_OR_FOLLOWER', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NETWORK_EXCEPTION', 'FENCED_LEADER_EPOCH'] as const) {
      expect(needsMetadataRefresh(new GregorError(name, 'x'))).toBe(true);
    }
    for (const name of ['NOT_ENOUGH_REPLICAS', 'CORRUPT_MESSAGE', 'MESSAGE_TOO_LARGE'] as const) {
      expect(needsMetadataRefresh(new GregorError(name, 'x'))).toBe(false);
    }
  });

  it('maps wire errors by Kafka code and treats code 0 as success', () => {
    expect(errorFromWire({ code: 0, name: 'NONE', message: '', retriable: false })).toBeUndefined();
    expect(errorFromWire(null)).toBeUndefined();
    const err = errorFromWire({ code: 6, name: 'NOT_LEADER_OR_FOLLOWER', message: 'leader is 2', retriable: true }, { topic: 't', partition: 1 })!;
    expect(err.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(err.message).toBe('NOT_LEADER_OR_FOLLOWER: leader is 2');
    expect(err.context).toMatchObject({ topic: 't', partition: 1 });
  });

  it('maps gRPC statuses: no answer is a retriable transport error, a rejection is not', () => {
    const unavailable = errorFromGrpc({ code: grpc.status.UNAVAILABLE, details: 'connect ECONNREFUSED' }, '127.0.0.1:1');
    expect(unavailable.errorName).toBe('NETWORK_EXCEPTION');
    expect(unavailable.retriable).toBe(true);
    expect(isTransportError(unavailable)).toBe(true);
    const deadline = errorFromGrpc({ code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }, 'b:1');
    expect(deadline.errorName).toBe('REQUEST_TIMED_OUT');
    const tooBig = errorFromGrpc({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'Received message larger than max' }, 'b:1');
    expect(tooBig.errorName).toBe('MESSAGE_TOO_LARGE');
    expect(tooBig.retriable).toBe(false);
    expect(isTransportError(tooBig)).toBe(false);
    expect(errorFromGrpc({ code: grpc.status.INTERNAL, details: 'boom' }, 'b:1').errorName).toBe('UNKNOWN_SERVER_ERROR');
  });

  it('withRetry with the SDK classifier retries NETWORK_EXCEPTION and stops at MESSAGE_TOO_LARGE', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new GregorError('NETWORK_EXCEPTION', 'down');
        return 'ok';
      },
      { retries: 5, initialBackoffMs: 1, maxBackoffMs: 2, isRetriable: isRetriableError, sleep: async () => undefined },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new GregorError('MESSAGE_TOO_LARGE', 'big');
        },
        { retries: 5, initialBackoffMs: 1, maxBackoffMs: 2, isRetriable: isRetriableError, sleep: async () => undefined },
      ),
    ).rejects.toMatchObject({ errorName: 'MESSAGE_TOO_LARGE' });
    expect(calls).toBe(1);
  });
});
