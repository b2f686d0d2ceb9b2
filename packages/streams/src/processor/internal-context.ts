import type { ProcessorContext } from './api';

/** What the DSL's own processors may use beyond the public context. */
export interface InternalProcessorContext<KOut = unknown, VOut = unknown> extends ProcessorContext<KOut, VOut> {
  /**
   * Wraps `fn` so that it runs as the processor that called bindToNode,
   * whenever it is called: a cache flush listener forwards from the
   * aggregating processor even though the flush happens at commit.
   */
  bindToNode<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

export function internal<K, V>(ctx: ProcessorContext<K, V>): InternalProcessorContext<K, V> {
  return ctx as InternalProcessorContext<K, V>;
}
