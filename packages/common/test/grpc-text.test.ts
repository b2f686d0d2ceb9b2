import { tidyGrpcDetails } from '@gregor/common';

describe('tidyGrpcDetails', () => {
  test('drops grpc-js empty "Last error" and "Resolution note" tails, keeps real causes', () => {
    expect(tidyGrpcDetails('No connection established. Last error: null. Resolution note: ')).toBe('No connection established');
    expect(tidyGrpcDetails('No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9193. Resolution note: ')).toBe(
      'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9193',
    );
    expect(tidyGrpcDetails('Deadline exceeded after 2.001s')).toBe('Deadline exceeded after 2.001s');
  });
});
