import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import { withKeyValue, withValue, type KeyValue, type StreamRecord } from '../record';

/**
 * The stateless KStream operators as processor suppliers. Each keeps the
 * record's timestamp and headers; only key and/or value change.
 */

/** A processor that only needs `forward`: `fn` gets the record and a forward function. */
function passing<KIn, VIn, KOut, VOut>(fn: (r: StreamRecord<KIn, VIn>, forward: (r: StreamRecord<KOut, VOut>) => void) => void): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return () => {
    let ctx: ProcessorContext<KOut, VOut>;
    const forward = (r: StreamRecord<KOut, VOut>): void => ctx.forward(r);
    return {
      init: (c) => void (ctx = c),
      process: (r) => fn(r, forward),
    };
  };
}

export const filterSupplier = <K, V>(predicate: (key: K, value: V) => boolean, keepWhen: boolean): ProcessorSupplier<K, V, K, V> =>
  passing((r, forward) => {
    if (predicate(r.key, r.value) === keepWhen) forward(r);
  });

export const mapSupplier = <K, V, K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>): ProcessorSupplier<K, V, K2, V2> =>
  passing((r, forward) => {
    const kv = mapper(r.key, r.value);
    forward(withKeyValue(r, kv.key, kv.value));
  });

export const mapValuesSupplier = <K, V, V2>(mapper: (value: V, key: K) => V2): ProcessorSupplier<K, V, K, V2> =>
  passing((r, forward) => forward(withValue(r, mapper(r.value, r.key))));

export const flatMapSupplier = <K, V, K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>): ProcessorSupplier<K, V, K2, V2> =>
  passing((r, forward) => {
    for (const kv of mapper(r.key, r.value)) forward(withKeyValue(r, kv.key, kv.value));
  });

export const flatMapValuesSupplier = <K, V, V2>(mapper: (value: V, key: K) => Iterable<V2>): ProcessorSupplier<K, V, K, V2> =>
  passing((r, forward) => {
    for (const v of mapper(r.value, r.key)) forward(withValue(r, v));
  });

export const selectKeySupplier = <K, V, K2>(selector: (key: K, value: V) => K2): ProcessorSupplier<K, V, K2, V> =>
  passing((r, forward) => forward(withKeyValue(r, selector(r.key, r.value), r.value)));

export const peekSupplier = <K, V>(action: (key: K, value: V) => void): ProcessorSupplier<K, V, K, V> =>
  passing((r, forward) => {
    action(r.key, r.value);
    forward(r);
  });

export const passThroughSupplier = <K, V>(): ProcessorSupplier<K, V, K, V> => passing((r, forward) => forward(r));

/** split(): the first predicate that holds picks the branch (a named child); none → the default branch, if any. */
export function branchSupplier<K, V>(branches: readonly { predicate: (key: K, value: V) => boolean; child: string }[], defaultChild: string | undefined): ProcessorSupplier<K, V, K, V> {
  return () => {
    let ctx: ProcessorContext<K, V>;
    return {
      init: (c) => void (ctx = c),
      process: (r) => {
        const hit = branches.find((b) => b.predicate(r.key, r.value));
        const child = hit?.child ?? defaultChild;
        if (child !== undefined) ctx.forward(r, child);
      },
    };
  };
}
