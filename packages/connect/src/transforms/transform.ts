import type { ConfigDef, ConfigValues } from '../api/config-def';
import type { RecordHeaderValue } from '../api/connector';
import type { Schema } from '../api/schema';

/**
 * Single message transforms (Kafka's `transforms=` chain) and predicates.
 * A transform sees the parts every Connect record has and returns the
 * changed parts, or null to drop the record; the runtime keeps the rest
 * (source partition/offset, Kafka offset, raw bytes) as it was.
 */
export interface TransformableRecord {
  readonly topic: string;
  readonly kafkaPartition?: number | null;
  readonly kafkaOffset?: bigint;
  readonly keySchema?: Schema | null;
  readonly key?: unknown;
  readonly valueSchema?: Schema | null;
  readonly value: unknown;
  readonly timestamp?: number | null;
  readonly headers?: readonly RecordHeaderValue[];
}

export interface Transform {
  apply(record: TransformableRecord): TransformableRecord | null;
}

export interface Predicate {
  test(record: TransformableRecord): boolean;
}

export interface TransformPlugin<T> {
  /** Kafka's class name (Key/Value variants as `Name$Key` / `Name$Value`). */
  readonly className: string;
  readonly config: ConfigDef;
  create(values: ConfigValues): T;
}

/** Which half of the record a Key/Value transform works on. */
export type Part = 'key' | 'value';

export function partOf(r: TransformableRecord, part: Part): { schema: Schema | null; value: unknown } {
  return part === 'key' ? { schema: r.keySchema ?? null, value: r.key } : { schema: r.valueSchema ?? null, value: r.value };
}

export function withPart(r: TransformableRecord, part: Part, schema: Schema | null, value: unknown): TransformableRecord {
  return part === 'key' ? { ...r, keySchema: schema, key: value } : { ...r, valueSchema: schema, value };
}
