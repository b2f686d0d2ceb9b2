import { GregorError, topicNameProblem } from '@gregor/common';
import type { Serde } from '../serdes';
import type { BytesStore } from './bytes-store';
import { TypedKeyValueStore, type KeyValueStore } from './key-value-store';
import { TypedWindowStore, type WindowStore } from './window-store';

export interface StoreOptions {
  /** LevelDB under state.dir (default) or a Map. Either way the changelog can rebuild it. */
  persistent?: boolean;
  /** Back the store with `<application.id>-<name>-changelog` (default true). */
  logging?: boolean;
  /** Write-back cache at commit (default true). */
  caching?: boolean;
}

/**
 * How to build one store per task (Kafka's StoreBuilder): the name, the
 * kind, the layers, and the typed facade over the bytes.
 */
export interface StoreSpec<S = unknown> {
  readonly name: string;
  readonly kind: 'keyValue' | 'window';
  readonly persistent: boolean;
  readonly logging: boolean;
  readonly caching: boolean;
  /** The typed store over the finished byte stack. */
  wrap(bytes: BytesStore): S;
}

export const Stores = {
  keyValue<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, opts: StoreOptions = {}): StoreSpec<KeyValueStore<K, V>> {
    checkStoreName(name);
    return { name, kind: 'keyValue', ...layers(opts), wrap: (bytes) => new TypedKeyValueStore(bytes, keySerde, valueSerde) };
  },
  window<K, V>(name: string, windowSizeMs: number, keySerde: Serde<K>, valueSerde: Serde<V>, opts: StoreOptions = {}): StoreSpec<WindowStore<K, V>> {
    checkStoreName(name);
    return { name, kind: 'window', ...layers(opts), wrap: (bytes) => new TypedWindowStore(bytes, windowSizeMs, keySerde, valueSerde) };
  },
} as const;

function layers(opts: StoreOptions): { persistent: boolean; logging: boolean; caching: boolean } {
  return { persistent: opts.persistent ?? true, logging: opts.logging ?? true, caching: opts.caching ?? true };
}

/** A store name becomes part of a topic name (its changelog), so it follows the topic-name rule. */
function checkStoreName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem !== undefined) throw new GregorError('INVALID_CONFIG', `invalid state store name "${name}": ${problem}`);
}
