import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import { internal } from '../processor/internal-context';
import type { Change, StreamRecord } from '../record';
import { CachingStore } from '../state/caching-store';
import type { KeyValueStore } from '../state/key-value-store';
import { TypedKeyValueStore } from '../state/key-value-store';
import type { Serde } from '../serdes';

/** Reads a table's current value for a key from inside another processor (Kafka's KTableValueGetter). */
export interface ValueGetterSupplier<K, V> {
  /** Stores the reading processor must be connected to. */
  readonly stores: readonly string[];
  init(ctx: ProcessorContext<unknown, unknown>): (key: K) => V | undefined;
}

export function storeGetter<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  return {
    stores: [storeName],
    init: (ctx) => {
      const store = ctx.getStateStore<KeyValueStore<K, V>>(storeName);
      return (key) => store.get(key);
    },
  };
}

/**
 * Puts each change into `store` and forwards Change{new, old}; with a
 * cache the forward happens when the cache writes the key down, so a hot
 * key forwards once per commit (Kafka's TimestampedCacheFlushListener).
 */
export function forwardingPut<K, V>(ctx: ProcessorContext<K, Change<V>>, store: KeyValueStore<K, V>, keySerde: Serde<K>, valueSerde: Serde<V>): (r: StreamRecord<K, unknown>, newValue: V | null, oldValue: V | null) => void {
  const bytes = store instanceof TypedKeyValueStore ? store.bytes : undefined;
  if (bytes instanceof CachingStore) {
    const forward = internal(ctx).bindToNode((key: Buffer, nv: Buffer | null, ov: Buffer | null, timestamp: number) => {
      const k = keySerde.deserialize(store.name, key) as K;
      ctx.forward({ key: k, value: { newValue: valueSerde.deserialize(store.name, nv), oldValue: valueSerde.deserialize(store.name, ov) }, timestamp, headers: [] });
    });
    bytes.setFlushListener(forward);
    return (r, newValue) => store.put(r.key, newValue);
  }
  return (r, newValue, oldValue) => {
    store.put(r.key, newValue);
    ctx.forward({ key: r.key, value: { newValue, oldValue }, timestamp: r.timestamp, headers: r.headers });
  };
}

/** table(topic): materializes the topic into a store; a null value deletes the key. Null keys are dropped. */
export function tableSourceSupplier<K, V>(storeName: string, keySerde: Serde<K>, valueSerde: Serde<V>): ProcessorSupplier<K, V | null, K, Change<V>> {
  return () => {
    let put: ReturnType<typeof forwardingPut<K, V>>;
    let store: KeyValueStore<K, V>;
    return {
      init: (ctx) => {
        store = ctx.getStateStore<KeyValueStore<K, V>>(storeName);
        put = forwardingPut(ctx, store, keySerde, valueSerde);
      },
      process: (r) => {
        if (r.key === null || r.key === undefined) return;
        put(r, r.value, store.get(r.key) ?? null);
      },
    };
  };
}

/** KTable.filter / mapValues: applied to both sides of the change; a change that is null on both sides is not forwarded. */
export function tableMapSupplier<K, V, V2>(fn: (value: V, key: K) => V2 | null): ProcessorSupplier<K, Change<V>, K, Change<V2>> {
  return () => {
    let ctx: ProcessorContext<K, Change<V2>>;
    const apply = (v: V | null, k: K): V2 | null => (v === null ? null : fn(v, k));
    return {
      init: (c) => void (ctx = c),
      process: (r) => {
        const newValue = apply(r.value.newValue, r.key);
        const oldValue = apply(r.value.oldValue, r.key);
        if (newValue === null && oldValue === null) return;
        ctx.forward({ ...r, value: { newValue, oldValue } });
      },
    };
  };
}

export function mappedGetter<K, V, V2>(parent: ValueGetterSupplier<K, V>, fn: (value: V, key: K) => V2 | null): ValueGetterSupplier<K, V2> {
  return {
    stores: parent.stores,
    init: (ctx) => {
      const get = parent.init(ctx);
      return (key) => {
        const v = get(key);
        return v === undefined ? undefined : (fn(v, key) ?? undefined);
      };
    },
  };
}

/** toStream(): the new value of each change (null for a delete, as Kafka forwards tombstones). */
export function toStreamSupplier<K, V>(): ProcessorSupplier<K, Change<V>, K, V | null> {
  return () => {
    let ctx: ProcessorContext<K, V | null>;
    return { init: (c) => void (ctx = c), process: (r) => ctx.forward({ ...r, value: r.value.newValue }) };
  };
}

/** KStream–KTable join: each stream record looks the table up by key; the table side never triggers output. */
export function streamTableJoinSupplier<K, V, TV, R>(getter: ValueGetterSupplier<K, TV>, joiner: (value: V, tableValue: TV | null) => R, left: boolean): ProcessorSupplier<K, V, K, R> {
  return () => {
    let ctx: ProcessorContext<K, R>;
    let get: (key: K) => TV | undefined;
    return {
      init: (c) => {
        ctx = c;
        get = getter.init(c as ProcessorContext<unknown, unknown>);
      },
      process: (r) => {
        if (r.key === null || r.key === undefined) return;
        const tv = get(r.key);
        if (tv === undefined && !left) return;
        ctx.forward({ ...r, value: joiner(r.value, tv ?? null) });
      },
    };
  };
}

/** Which rows a table–table join keeps: inner (both sides), left (left side), outer (either side). */
export type TableJoinKind = 'inner' | 'left' | 'outer';

/** The join of two values under a join kind, null when the kind drops the row (pure). */
export function tableJoinValue<L, R, J>(kind: TableJoinKind, joiner: (left: L | null, right: R | null) => J, left: L | null, right: R | null): J | null {
  const keep = kind === 'inner' ? left !== null && right !== null : kind === 'left' ? left !== null : left !== null || right !== null;
  return keep ? joiner(left, right) : null;
}

/**
 * One side of a KTable–KTable join (Kafka's KTableKTableJoin processors):
 * a change on this side is joined with the other side's current value,
 * both for the new and the old value, and forwarded as a change of the
 * joined table.
 */
export function tableJoinSideSupplier<K, V, O, J>(otherGetter: ValueGetterSupplier<K, O>, join: (mine: V | null, other: O | null) => J | null): ProcessorSupplier<K, Change<V>, K, Change<J>> {
  return () => {
    let ctx: ProcessorContext<K, Change<J>>;
    let getOther: (key: K) => O | undefined;
    return {
      init: (c) => {
        ctx = c;
        getOther = otherGetter.init(c as ProcessorContext<unknown, unknown>);
      },
      process: (r) => {
        if (r.key === null || r.key === undefined) return;
        const other = getOther(r.key) ?? null;
        const newValue = join(r.value.newValue, other);
        const oldValue = join(r.value.oldValue, other);
        if (newValue === null && oldValue === null) return;
        ctx.forward({ ...r, value: { newValue, oldValue } });
      },
    };
  };
}

export function joinedGetter<K, L, R, J>(left: ValueGetterSupplier<K, L>, right: ValueGetterSupplier<K, R>, join: (l: L | null, r: R | null) => J | null): ValueGetterSupplier<K, J> {
  return {
    stores: [...new Set([...left.stores, ...right.stores])],
    init: (ctx) => {
      const getL = left.init(ctx);
      const getR = right.init(ctx);
      return (key) => join(getL(key) ?? null, getR(key) ?? null) ?? undefined;
    },
  };
}
