import type { BytesStore } from '../state/bytes-store';
import { CachingStore } from '../state/caching-store';
import { ChangeLoggingStore, type ChangelogWriter } from '../state/changelogging-store';
import type { StoreSpec } from '../state/stores';

export interface StoreStack {
  readonly spec: StoreSpec;
  /** The bottom layer: what restoration writes to and what is flushed to disk. */
  readonly inner: BytesStore;
  /** The top layer processors use, under the typed facade. */
  readonly top: BytesStore;
  readonly cache: CachingStore | undefined;
  /** The typed facade (`spec.wrap(top)`). */
  readonly typed: unknown;
}

/** Stacks cache → changelogging → inner as the spec asks (Kafka's store builder layers). */
export function buildStoreStack(spec: StoreSpec, inner: BytesStore, opts: { log: ChangelogWriter | undefined; cacheMaxEntries: number; nowMs: () => number }): StoreStack {
  let top: BytesStore = inner;
  if (spec.logging && opts.log !== undefined) top = new ChangeLoggingStore(top, opts.log);
  let cache: CachingStore | undefined;
  if (spec.caching && opts.cacheMaxEntries > 0) top = cache = new CachingStore(top, opts.cacheMaxEntries, opts.nowMs);
  return { spec, inner, top, cache, typed: spec.wrap(top) };
}
