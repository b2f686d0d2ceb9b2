import { GregorError } from '@gregor/common';
import { ConnectError } from '../src/api/errors';
import { commitFailureIsDeferrable } from '../src/runtime/sink-task-runner';

describe('a sink task whose offset commit fails', () => {
  test.each(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'REQUEST_TIMED_OUT'] as const)(
    'goes on after %s (the group moved or the coordinator is moving): the commit is retried later',
    (name) => {
      expect(commitFailureIsDeferrable(new GregorError(name, 'refused'))).toBe(true);
    },
  );

  test.each(['OFFSET_METADATA_TOO_LARGE', 'GROUP_AUTHORIZATION_FAILED', 'UNKNOWN_SERVER_ERROR'] as const)('fails on %s, which no retry fixes', (name) => {
    expect(commitFailureIsDeferrable(new GregorError(name, 'refused'))).toBe(false);
  });

  test('fails on anything that is not a commit refusal (a flush or a bug)', () => {
    expect(commitFailureIsDeferrable(new ConnectError('flush failed'))).toBe(false);
    expect(commitFailureIsDeferrable(new TypeError('x is undefined'))).toBe(false);
  });
});
