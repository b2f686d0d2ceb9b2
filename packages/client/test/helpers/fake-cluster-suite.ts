import type { Gregor } from '@gregor/client';
import { FakeCluster } from './fake-cluster';

/** Short backoffs so that retry paths finish quickly against the fake cluster. */
export const FAST_RETRY = { initialBackoffMs: 5, maxBackoffMs: 20 };

export interface FakeClusterSuite {
  /** A fresh fake cluster for each test. */
  readonly cluster: FakeCluster;
  /** The client the test made, if any: closed after the test, before the cluster stops. */
  client: Gregor | undefined;
}

/**
 * Registers the setup the SDK's fake-cluster tests share: a new FakeCluster
 * before each test; after it, the test's client closed and every fake broker
 * stopped. Call it in a describe block; read `cluster` inside the tests.
 */
export function useFakeCluster(): FakeClusterSuite {
  let cluster: FakeCluster | undefined;
  const suite: FakeClusterSuite = {
    get cluster(): FakeCluster {
      if (cluster === undefined) throw new Error('useFakeCluster: the cluster exists only inside a test');
      return cluster;
    },
    client: undefined,
  };

  beforeEach(() => {
    cluster = new FakeCluster();
  });

  afterEach(async () => {
    await suite.client?.close();
    suite.client = undefined;
    await cluster?.stopAll();
    cluster = undefined;
  });

  return suite;
}
