import { GregorError } from '@gregor/common';

/**
 * The codec libraries ship prebuilt binaries per platform (npm optional
 * dependencies). They load on first use, not at import: the broker imports
 * this package but never compresses, so a platform without a binary loses
 * only that codec (UNSUPPORTED_COMPRESSION_TYPE, saying why), not the node.
 */
export function lazyModule<T>(codec: string, load: () => T): () => T {
  let loaded: T | undefined;
  let failure: unknown;
  return () => {
    if (loaded !== undefined) return loaded;
    if (failure === undefined) {
      try {
        loaded = load();
        return loaded;
      } catch (err) {
        failure = err;
      }
    }
    throw new GregorError(
      'UNSUPPORTED_COMPRESSION_TYPE',
      `${codec} is unavailable in this process: its native library did not load (${(failure as Error).message})`,
      {},
      failure,
    );
  };
}
