import type { RecordHeader } from '@gregor/client';

/**
 * A record inside a topology (Kafka's processor-API Record): typed key and
 * value, event time in ms since the epoch, and the headers it arrived with.
 * Operators that change key or value keep timestamp and headers, so both
 * reach the sink unchanged unless a processor sets them.
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
}

export function withKeyValue<K, V>(r: StreamRecord<unknown, unknown>, key: K, value: V): StreamRecord<K, V> {
  return { key, value, timestamp: r.timestamp, headers: r.headers };
}

export function withValue<K, V>(r: StreamRecord<K, unknown>, value: V): StreamRecord<K, V> {
  return { key: r.key, value, timestamp: r.timestamp, headers: r.headers };
}

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/** A KTable update as it flows between table operators: the new value and the one it replaced. */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}
