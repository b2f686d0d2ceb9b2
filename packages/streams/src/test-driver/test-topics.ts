import type { RecordHeader } from '@gregor/client';
import { GregorError } from '@gregor/common';
import type { OutgoingRecord } from '../processor/record-collector';
import type { KeyValue, StreamRecord } from '../record';
import type { Serde } from '../serdes';

type Pipe = (r: { topic: string; key: Buffer | null; value: Buffer | null; timestamp: number; headers: readonly RecordHeader[] }) => void;

/** Writes typed records into the driver (Kafka's TestInputTopic). */
export class TestInputTopic<K, V> {
  constructor(
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly pipe: Pipe,
    private nextTimestampMs: number,
    private readonly autoAdvanceMs: number,
  ) {}

  /** Pipes one record; without a timestamp it gets the topic's current time, which then moves by autoAdvanceMs. */
  pipeInput(key: K | null, value: V | null, timestampMs?: number, headers: readonly RecordHeader[] = []): void {
    const timestamp = timestampMs ?? this.nextTimestampMs;
    if (timestampMs === undefined) this.nextTimestampMs += this.autoAdvanceMs;
    this.pipe({ topic: this.topic, key: this.keySerde.serialize(this.topic, key), value: this.valueSerde.serialize(this.topic, value), timestamp, headers });
  }

  pipeValueList(values: readonly V[]): void {
    for (const v of values) this.pipeInput(null, v);
  }

  pipeKeyValueList(list: readonly KeyValue<K, V>[]): void {
    for (const kv of list) this.pipeInput(kv.key, kv.value);
  }

  advanceTime(ms: number): void {
    this.nextTimestampMs += ms;
  }
}

/** Reads what the topology wrote to a topic, in order (Kafka's TestOutputTopic); reading consumes. */
export class TestOutputTopic<K, V> {
  private position = 0;

  constructor(
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly records: readonly OutgoingRecord[],
  ) {}

  isEmpty(): boolean {
    return this.queueSize() === 0;
  }

  queueSize(): number {
    return this.records.length - this.position;
  }

  readRecord(): StreamRecord<K | null, V | null> {
    const r = this.records[this.position];
    if (r === undefined) throw new GregorError('OFFSET_OUT_OF_RANGE', `no more records in output topic "${this.topic}"`, { topic: this.topic });
    this.position++;
    return { key: this.keySerde.deserialize(this.topic, r.key), value: this.valueSerde.deserialize(this.topic, r.value), timestamp: r.timestamp, headers: r.headers };
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readKeyValue(): KeyValue<K | null, V | null> {
    const r = this.readRecord();
    return { key: r.key, value: r.value };
  }

  readRecordsToList(): StreamRecord<K | null, V | null>[] {
    const out: StreamRecord<K | null, V | null>[] = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  readKeyValuesToList(): KeyValue<K | null, V | null>[] {
    return this.readRecordsToList().map((r) => ({ key: r.key, value: r.value }));
  }

  /** The last value per key (a table's view); a null value removes the key. */
  readKeyValuesToMap(): Map<K | null, V> {
    const out = new Map<K | null, V>();
    for (const r of this.readRecordsToList()) {
      if (r.value === null) out.delete(r.key);
      else out.set(r.key, r.value);
    }
    return out;
  }
}
