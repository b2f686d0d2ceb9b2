import { EventEmitter } from 'node:events';
import { GregorError, tpKey, type ErrorName } from '@gregor/common';
import { encodeRecordBatch } from '@gregor/record-batch';
import {
  checkFetchPosition,
  leaderEndOffsetForEpoch,
  type LeaderEpochAnswer,
  type LeaderEpochQuery,
  type ReplicaFetchPartitionResponse,
  type ReplicaFetchRequest,
  type ReplicationClient,
} from '@gregor/replication-fetcher';
import type { PartitionLog } from '@gregor/storage';

export function batchOf(values: string[]): Buffer {
  return encodeRecordBatch(
    values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: 1000n + BigInt(i) })),
    { baseTimestamp: 1000n },
  );
}

interface LedPartition {
  log: PartitionLog;
  leaderEpoch: number;
  epochStartOffset: bigint;
  highWatermark: bigint;
  /** Errors to answer, one per fetch, before serving normally again. */
  scriptedErrors: ErrorName[];
}

/**
 * A scripted partition leader for fetcher tests: serves FetchFromLeader and
 * OffsetsForLeaderEpoch from real storage logs, with the same epoch rules as
 * the broker, long-polls until data arrives, and records every request. The
 * test can take it down (transport errors) or script per-partition errors.
 */
export class FakeLeader {
  readonly partitions = new Map<string, LedPartition>();
  readonly fetches: ReplicaFetchRequest[] = [];
  readonly epochQueries: LeaderEpochQuery[][] = [];
  down = false;
  /** Fetches the follower cancelled while they were long-polling here. */
  aborted = 0;
  /** Replaces the OffsetsForLeaderEpoch answer (to make the follower rely on the fetch-time check). */
  epochAnswerOverride: ((q: LeaderEpochQuery) => { epoch: number; endOffset: bigint }) | undefined;
  private readonly changed = new EventEmitter();

  constructor(readonly address: string) {
    this.changed.setMaxListeners(100);
  }

  lead(topic: string, partition: number, log: PartitionLog, leaderEpoch: number): void {
    this.partitions.set(tpKey(topic, partition), {
      log,
      leaderEpoch,
      epochStartOffset: log.logEndOffset,
      highWatermark: log.highWatermark,
      scriptedErrors: [],
    });
  }

  part(topic: string, partition: number): LedPartition {
    const p = this.partitions.get(tpKey(topic, partition));
    if (p === undefined) throw new Error(`fake leader ${this.address} does not lead ${topic}-${partition}`);
    return p;
  }

  async append(topic: string, partition: number, values: string[]): Promise<void> {
    const p = this.part(topic, partition);
    await p.log.append(batchOf(values), p.leaderEpoch);
    this.changed.emit('data');
  }

  setHighWatermark(topic: string, partition: number, hw: bigint): void {
    this.part(topic, partition).highWatermark = hw;
    this.changed.emit('data');
  }

  client(): ReplicationClient {
    return {
      fetch: (request, timeoutMs, signal) => this.fetch(request, timeoutMs, signal),
      offsetsForLeaderEpoch: async (_replicaId, queries) => {
        if (this.down) throw new GregorError('NETWORK_EXCEPTION', `${this.address} is down`);
        this.epochQueries.push([...queries]);
        return queries.map((q) => this.epochAnswer(q));
      },
      close: () => undefined,
    };
  }

  private epochAnswer(q: LeaderEpochQuery): LeaderEpochAnswer {
    const p = this.partitions.get(tpKey(q.topic, q.partition));
    const base = { topic: q.topic, partition: q.partition };
    if (p === undefined) return { ...base, error: new GregorError('NOT_LEADER_OR_FOLLOWER', 'not here'), endOffset: { epoch: -1, endOffset: -1n } };
    return { ...base, error: undefined, endOffset: this.epochAnswerOverride?.(q) ?? this.endOffsetFor(p, q.leaderEpoch) };
  }

  private endOffsetFor(p: LedPartition, epoch: number): { epoch: number; endOffset: bigint } {
    return leaderEndOffsetForEpoch(epoch, {
      logEndOffsetForEpoch: (e) => p.log.endOffsetForEpoch(e),
      logLatestEpoch: p.log.latestEpoch(),
      currentLeaderEpoch: p.leaderEpoch,
      leaderEpochStartOffset: p.epochStartOffset,
    });
  }

  private async fetch(request: ReplicaFetchRequest, timeoutMs: number, signal?: AbortSignal): Promise<ReplicaFetchPartitionResponse[]> {
    if (this.down) throw new GregorError('NETWORK_EXCEPTION', `${this.address} is down`);
    this.fetches.push(request);
    const deadline = Date.now() + Math.min(request.maxWaitMs, timeoutMs);
    for (;;) {
      const answers = await this.read(request);
      const bytes = answers.reduce((n, a) => n + a.records.length, 0);
      const urgent = answers.some((a) => a.error !== undefined || a.divergingEpoch !== undefined);
      if (bytes >= request.minBytes || urgent || Date.now() >= deadline) return answers;
      const woken = await new Promise<'data' | 'timeout' | 'abort'>((resolve) => {
        const timer = setTimeout(() => finish('timeout'), Math.max(1, deadline - Date.now()));
        const onData = (): void => finish('data');
        const onAbort = (): void => finish('abort');
        function finish(why: 'data' | 'timeout' | 'abort'): void {
          clearTimeout(timer);
          resolve(why);
        }
        this.changed.once('data', onData);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (woken === 'abort') {
        this.aborted++;
        throw new GregorError('NETWORK_EXCEPTION', 'cancelled', { cancelled: true });
      }
    }
  }

  private async read(request: ReplicaFetchRequest): Promise<ReplicaFetchPartitionResponse[]> {
    const out: ReplicaFetchPartitionResponse[] = [];
    for (const q of request.partitions) {
      const base = { topic: q.topic, partition: q.partition, divergingEpoch: undefined, records: Buffer.alloc(0) };
      const p = this.partitions.get(tpKey(q.topic, q.partition));
      if (p === undefined) {
        out.push({ ...base, error: new GregorError('NOT_LEADER_OR_FOLLOWER', 'not here'), highWatermark: -1n, logStartOffset: -1n, logEndOffset: -1n });
        continue;
      }
      const offsets = { highWatermark: p.highWatermark, logStartOffset: p.log.logStartOffset, logEndOffset: p.log.logEndOffset };
      const scripted = p.scriptedErrors.shift();
      if (scripted !== undefined) {
        out.push({ ...base, ...offsets, error: new GregorError(scripted, 'scripted') });
        continue;
      }
      if (q.currentLeaderEpoch !== p.leaderEpoch) {
        const name = q.currentLeaderEpoch < p.leaderEpoch ? 'FENCED_LEADER_EPOCH' : 'UNKNOWN_LEADER_EPOCH';
        out.push({ ...base, ...offsets, error: new GregorError(name, 'epoch') });
        continue;
      }
      const check = checkFetchPosition(q.fetchOffset, q.lastFetchedEpoch, (e) => this.endOffsetFor(p, e));
      if (check.kind === 'diverging') {
        out.push({ ...base, ...offsets, error: undefined, divergingEpoch: check.divergingEpoch });
        continue;
      }
      if (check.kind === 'unknown-epoch' || q.fetchOffset > p.log.logEndOffset || q.fetchOffset < p.log.logStartOffset) {
        out.push({ ...base, ...offsets, error: new GregorError('OFFSET_OUT_OF_RANGE', 'out of range') });
        continue;
      }
      const read = await p.log.read(q.fetchOffset, q.partitionMaxBytes);
      out.push({ ...base, ...offsets, error: undefined, records: read.records });
    }
    return out;
  }
}
