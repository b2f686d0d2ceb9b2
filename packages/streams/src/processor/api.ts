import type { StreamRecord } from '../record';

/** Which clock drives a punctuator (Kafka's PunctuationType). */
export type PunctuationType = 'STREAM_TIME' | 'WALL_CLOCK_TIME';

export interface Cancellable {
  cancel(): void;
}

/** Where the record being processed came from; absent inside a punctuator. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/**
 * What a processor sees of its task (Kafka's api.ProcessorContext). A task
 * is single-threaded: a processor is only ever called from its own task, so
 * none of this needs locking.
 */
export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  readonly applicationId: string;
  /** "<subtopology>_<partition>", as Kafka names tasks. */
  readonly taskId: string;
  /** The source record being processed, or undefined in a punctuator. */
  recordMetadata(): RecordMetadata | undefined;
  /** Largest timestamp this task has processed (-1 before the first record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** Sends a record to every child, or to the one named. */
  forward<K extends KOut, V extends VOut>(record: StreamRecord<K, V>, childName?: string): void;
  /** A store this processor was connected to (`Topology.addProcessor(..., stores)` or the DSL). */
  getStateStore<S>(name: string): S;
  /**
   * Calls `callback(timestampMs)` every `intervalMs` of stream time (driven by
   * record timestamps) or of wall-clock time.
   */
  schedule(intervalMs: number, type: PunctuationType, callback: (timestampMs: number) => void): Cancellable;
}

/** A custom processor (Kafka's api.Processor). */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/** Each task gets its own processor instances: a supplier must return a new object per call. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
