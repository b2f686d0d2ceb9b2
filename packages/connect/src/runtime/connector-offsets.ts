import type { Admin } from '@gregor/client';
import { isGregorError } from '@gregor/common';
import type { ConnectorType, JsonMap } from '../api/connector';
import { HerderError } from './herder-error';
import type { OffsetStore } from './offset-store';

/**
 * GET/PATCH/DELETE /connectors/{c}/offsets (KIP-875). Source offsets live in
 * the worker's offset store; a sink's are its consumer group's committed
 * offsets, shown as `{kafka_topic, kafka_partition}` → `{kafka_offset}`.
 */
export interface ConnectorOffset {
  partition: JsonMap;
  offset: JsonMap | null;
}

export const sinkGroupId = (connector: string): string => `connect-${connector}`;

export async function readOffsets(type: ConnectorType, connector: string, store: OffsetStore, admin: Admin): Promise<ConnectorOffset[]> {
  if (type === 'source') return store.all(connector);
  const committed = await admin.listGroupOffsets(sinkGroupId(connector));
  return committed
    .filter((c) => c.offset >= 0n)
    .map((c) => ({ partition: { kafka_topic: c.topic, kafka_partition: c.partition }, offset: { kafka_offset: Number(c.offset) } }));
}

/** Checks a PATCH body: every problem is a 400, as Kafka Connect answers. */
export function parseOffsetsBody(type: ConnectorType, body: unknown): ConnectorOffset[] {
  const offsets = (body as { offsets?: unknown } | null)?.offsets;
  if (!Array.isArray(offsets)) throw new HerderError(400, 'The request body must contain a list of offsets under "offsets"');
  return offsets.map((entry: unknown, i) => {
    const e = entry as { partition?: unknown; offset?: unknown } | null;
    if (typeof e?.partition !== 'object' || e.partition === null || Array.isArray(e.partition)) throw new HerderError(400, `offsets[${i}]: the partition must be a JSON object`);
    if (e.offset !== null && (typeof e.offset !== 'object' || Array.isArray(e.offset))) throw new HerderError(400, `offsets[${i}]: the offset must be a JSON object or null`);
    if (type === 'sink') {
      const p = e.partition as JsonMap;
      if (typeof p['kafka_topic'] !== 'string') throw new HerderError(400, `offsets[${i}]: sink connector offsets need a string "kafka_topic" in the partition`);
      if (!Number.isInteger(p['kafka_partition']) || (p['kafka_partition'] as number) < 0) throw new HerderError(400, `offsets[${i}]: sink connector offsets need a non-negative integer "kafka_partition"`);
      const o = e.offset as JsonMap | null;
      if (o !== null && (!Number.isInteger(o['kafka_offset']) || (o['kafka_offset'] as number) < 0)) throw new HerderError(400, `offsets[${i}]: sink connector offsets need a non-negative integer "kafka_offset"`);
    }
    return { partition: e.partition as JsonMap, offset: (e.offset as JsonMap | null) ?? null };
  });
}

export async function alterOffsets(type: ConnectorType, connector: string, offsets: readonly ConnectorOffset[], store: OffsetStore, admin: Admin): Promise<void> {
  if (type === 'source') {
    await store.set(connector, offsets);
    return;
  }
  const set = offsets.filter((o) => o.offset !== null);
  if (set.length < offsets.length) throw new HerderError(400, 'Resetting single sink partitions (a null offset) is not supported; DELETE /connectors/{c}/offsets resets them all');
  await admin.alterGroupOffsets(
    sinkGroupId(connector),
    set.map((o) => ({ topic: o.partition['kafka_topic'] as string, partition: o.partition['kafka_partition'] as number, offset: BigInt(o.offset!['kafka_offset'] as number) })),
  );
}

export async function resetOffsets(type: ConnectorType, connector: string, store: OffsetStore, admin: Admin): Promise<void> {
  if (type === 'source') {
    await store.set(connector, store.all(connector).map((o) => ({ partition: o.partition, offset: null })));
    return;
  }
  try {
    await admin.deleteGroups([sinkGroupId(connector)]);
  } catch (err) {
    if (!(isGregorError(err) && err.errorName === 'GROUP_ID_NOT_FOUND')) throw err;
  }
}
