import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import type { KeyValueStore } from '../state/key-value-store';

/**
 * A table replicated whole to every instance (Kafka's GlobalKTable): all
 * partitions of its topic, kept up to date by the instance's global
 * updater. Joining with it needs no co-partitioning and no repartition:
 * the stream record picks the table key with a key selector.
 */
export class GlobalKTable<K, V> {
  /** Carries the key and value types for joins; never set. */
  declare readonly types?: { key: K; value: V };

  constructor(
    /** The store holding it, queryable under this name. */
    readonly queryableStoreName: string,
  ) {}
}

/** KStream–GlobalKTable join: look the global store up by a key computed from the stream record. */
export function globalJoinSupplier<K, V, GK, GV, R>(storeName: string, keySelector: (key: K, value: V) => GK, joiner: (value: V, globalValue: GV | null) => R, left: boolean): ProcessorSupplier<K, V, K, R> {
  return () => {
    let ctx: ProcessorContext<K, R>;
    let store: KeyValueStore<GK, GV>;
    return {
      init: (c) => {
        ctx = c;
        store = c.getStateStore<KeyValueStore<GK, GV>>(storeName);
      },
      process: (r) => {
        const gk = keySelector(r.key, r.value);
        const gv = gk === null || gk === undefined ? undefined : store.get(gk);
        if (gv === undefined && !left) return;
        ctx.forward({ ...r, value: joiner(r.value, gv ?? null) });
      },
    };
  };
}
