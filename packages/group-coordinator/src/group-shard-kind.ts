import type { Clock, Logger } from '@gregor/common';
import { encodeKeyedBatch, type ShardKind, type ShardLoader } from '@gregor/coordinator-runtime';
import { decodeCoordinatorBatches, encodeCoordinatorBatch } from './batch-codec';
import type { Effects, PendingAppend, ShardDeps } from './context';
import type { GroupCoordinatorShard } from './coordinator-shard';
import { describeGroupEvent } from './group-events';
import { OffsetsLoader } from './loader';
import { OFFSETS_TOPIC, encodeRecord } from './records';
import type { Reply } from './types';

/** The group coordinator as the shared ShardHost drives it. */
export type GroupShardKind = ShardKind<GroupCoordinatorShard, PendingAppend, Reply, Effects>;

/**
 * Group shards keep deadlines in monotonic time, write Kafka's
 * OffsetCommit/GroupMetadata records and log each rebalance event.
 */
export function groupShardKind(deps: ShardDeps, clock: Clock, logger: Logger): GroupShardKind {
  return {
    what: 'consumer groups',
    nowMs: () => clock.monotonicMs(),
    newLoader: () => offsetsShardLoader(deps),
    // A transactional append (TxnOffsetCommit) is written alone, as its producer's batch.
    encode: (appends) =>
      appends.length === 1 && appends[0]!.owner !== undefined
        ? encodeKeyedBatch(appends[0]!.records.map(encodeRecord), deps.wallClockMs(), appends[0]!.owner)
        : encodeCoordinatorBatch(
            appends.flatMap((a) => a.records),
            deps.wallClockMs(),
          ),
    writeAlone: (a) => a.owner !== undefined,
    recordCount: (a) => a.records.length,
    onEffects: (effects, partition) => {
      for (const e of effects.events) logger.info(describeGroupEvent(e, `${OFFSETS_TOPIC}-${partition}`));
    },
    unload: (shard, nowMs) => shard.unload(nowMs),
  };
}

function offsetsShardLoader(deps: ShardDeps): ShardLoader<GroupCoordinatorShard, Effects> {
  const loader = new OffsetsLoader();
  let skipped = 0;
  return {
    replay: (bytes, fromOffset) => {
      const decoded = decodeCoordinatorBatches(bytes, fromOffset);
      for (const e of decoded.entries) {
        if (e.kind === 'marker') loader.replayMarker(e.producerId, e.commit);
        else if (e.transactionalProducerId !== undefined) loader.replayTransactional(e.transactionalProducerId, e.record);
        else loader.replay(e.record);
      }
      skipped += decoded.skipped;
      return decoded.nextOffset;
    },
    build: (nowMs) => loader.build(deps, nowMs),
    summary: (shard) => ({ groups: shard.groupIds().length, records: loader.recordsReplayed, liveKeys: loader.liveKeys, skipped }),
  };
}
