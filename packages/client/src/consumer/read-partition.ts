import { GregorError, toGregorError, tpKey, withRetry } from '@gregor/common';
import type { Cluster } from '../cluster';
import { errorFromWire, isRetriableError, needsMetadataRefresh, withoutName } from '../errors';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsOnce } from '../list-offsets';
import type { ResolvedClientOptions } from '../options';
import { topicPartitionCount } from '../topic-partitions';
import type { ConsumerRecord, OffsetSpec } from '../types';
import type { IsolationLevel } from './options';
import { int64, int64Wire } from '../wire';
import { recordsFromFetch } from './records';

/** `client.read(...)`: one bounded replay of one partition. */
export interface ReadPartitionRequest {
  topic: string;
  partition: number;
  /** Where to start: an offset, 'earliest', 'latest' (only new records) or the first record at or after a timestamp. */
  from: OffsetSpec;
  /** At most this many records (default 500). */
  maxRecords?: number;
  /** About this many bytes of record batches at most; one batch comes whatever its size (default 1 MiB). */
  maxBytes?: number;
  /** With nothing to return yet, the leader waits up to this long for a record (default 0: answer at once). */
  maxWaitMs?: number;
  /**
   * read_committed: records of open transactions are not returned (the read
   * stops at the last stable offset), those of aborted ones are skipped, and
   * 'latest' is the last stable offset. Default read_uncommitted.
   */
  isolationLevel?: IsolationLevel;
  signal?: AbortSignal;
}

export interface ReadPartitionResult {
  /** Committed records (below the high watermark), in offset order. */
  records: ConsumerRecord[];
  /** Where the next read starts: after the last record returned, or the start offset when none was. */
  nextOffset: bigint;
  highWatermark: bigint;
  /** Below it every transaction is decided (= highWatermark when none is open). */
  lastStableOffset: bigint;
  logStartOffset: bigint;
}

/**
 * One Fetch to the partition's leader, after a ListOffsets when `from` is
 * not an offset. Retriable errors (a leader moving, a broker down) refresh
 * metadata and try again with the client's backoff, within
 * requestTimeoutMs + maxWaitMs in all; OFFSET_OUT_OF_RANGE and the like are
 * thrown with `logStartOffset`/`highWatermark` in the error's context when
 * known. No group, no commit, no buffer: the caller keeps `nextOffset`. The
 * Consumer is the streaming counterpart (background prefetch, positions);
 * this shares its decoding (recordsFromFetch) and offset lookup.
 */
export async function readPartition(cluster: Cluster, client: ResolvedClientOptions, req: ReadPartitionRequest): Promise<ReadPartitionResult> {
  const { topic, partition } = req;
  const maxRecords = req.maxRecords ?? 500;
  const maxBytes = req.maxBytes ?? 1024 * 1024;
  const maxWaitMs = req.maxWaitMs ?? 0;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new GregorError('INVALID_REQUEST', `maxRecords must be a positive integer, got ${maxRecords}`, { topic, partition });
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new GregorError('INVALID_REQUEST', `maxBytes must be a positive integer, got ${maxBytes}`, { topic, partition });
  if (!Number.isInteger(maxWaitMs) || maxWaitMs < 0) throw new GregorError('INVALID_REQUEST', `maxWaitMs must be a non-negative integer, got ${maxWaitMs}`, { topic, partition });
  const count = await topicPartitionCount(cluster, topic);
  if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
    throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" has no partition ${partition} (it has ${count})`, { topic, partition });
  }
  const started = client.clock.monotonicMs();
  return withRetry(
    async () => {
      const offset = await startOffset(cluster, req);
      return await fetchOnce(cluster, client, { topic, partition, offset, maxRecords, maxBytes, maxWaitMs, committed: req.isolationLevel === 'read_committed', signal: req.signal });
    },
    {
      ...client.retry,
      deadlineMs: client.requestTimeoutMs + maxWaitMs,
      now: () => client.clock.monotonicMs() - started,
      random: client.random,
      isRetriable: (err) => req.signal?.aborted !== true && isRetriableError(err),
      onRetry: async (err) => {
        client.logger.debug('read failed, will retry', { topic, partition, error: String(err) });
        if (needsMetadataRefresh(err)) await cluster.refreshMetadata([topic]).catch(() => undefined);
      },
    },
  );
}

/**
 * OFFSET_OUT_OF_RANGE with the partition's log start offset and high
 * watermark in its context, so that a reader can jump back into range (the
 * Fetch answer carries -1 for both on an error). Best effort: without them
 * when the lookup fails.
 */
async function withPartitionRange(cluster: Cluster, error: GregorError, signal: AbortSignal | undefined): Promise<GregorError> {
  const { topic, partition } = error.context as { topic: string; partition: number };
  const key = tpKey(topic, partition);
  try {
    const [start, end] = await Promise.all(
      [EARLIEST_TIMESTAMP, LATEST_TIMESTAMP].map(async (timestamp) => (await listOffsetsOnce(cluster, [{ topic, partition, timestamp }], signal)).answers.get(key)?.offset),
    );
    if (start === undefined || end === undefined) return error;
    return new GregorError('OFFSET_OUT_OF_RANGE', `${withoutName(error.message)} (the partition has offsets ${start} to ${end})`, { topic, partition, logStartOffset: start, highWatermark: end }, error);
  } catch {
    return error;
  }
}

/** `from` as an offset: as given, or from the leader (ListOffsets). A timestamp after every record means the end. */
async function startOffset(cluster: Cluster, req: ReadPartitionRequest): Promise<bigint> {
  const { topic, partition, from } = req;
  if (typeof from === 'bigint') {
    if (from < 0n) throw new GregorError('OFFSET_OUT_OF_RANGE', `offset ${from} is negative`, { topic, partition });
    return from;
  }
  const key = tpKey(topic, partition);
  const ask = async (timestamp: bigint): Promise<bigint> => {
    const { answers, errors } = await listOffsetsOnce(cluster, [{ topic, partition, timestamp }], req.signal, req.isolationLevel === 'read_committed' ? 1 : 0);
    const answer = answers.get(key);
    if (answer === undefined) throw errors.get(key) ?? new GregorError('UNKNOWN_SERVER_ERROR', `no offset for ${topic}-${partition}`, { topic, partition });
    return answer.offset;
  };
  if (from === 'earliest') return ask(EARLIEST_TIMESTAMP);
  if (from === 'latest') return ask(LATEST_TIMESTAMP);
  const found = await ask(from.timestamp);
  return found >= 0n ? found : ask(LATEST_TIMESTAMP);
}

interface FetchOnce {
  topic: string;
  partition: number;
  offset: bigint;
  maxRecords: number;
  maxBytes: number;
  maxWaitMs: number;
  committed: boolean;
  signal: AbortSignal | undefined;
}

async function fetchOnce(cluster: Cluster, client: ResolvedClientOptions, f: FetchOnce): Promise<ReadPartitionResult> {
  const { topic, partition, offset } = f;
  const leader = cluster.leaderOf(topic, partition);
  const conn = leader === undefined ? undefined : cluster.connectionForNode(leader);
  if (leader === undefined || conn === undefined) throw new GregorError('LEADER_NOT_AVAILABLE', `no known leader for ${topic}-${partition}`, { topic, partition });
  let res;
  try {
    res = await conn.call(
      'Fetch',
      {
        maxWaitMs: f.maxWaitMs,
        minBytes: 1,
        maxBytes: f.maxBytes,
        isolationLevel: f.committed ? 1 : 0,
        topics: [
          {
            name: topic,
            partitions: [{ partition, fetchOffset: int64Wire(offset), partitionMaxBytes: f.maxBytes, currentLeaderEpoch: cluster.metadata.partition(topic, partition)?.leaderEpoch ?? -1 }],
          },
        ],
      },
      { timeoutMs: f.maxWaitMs + client.requestTimeoutMs, ...(f.signal !== undefined ? { signal: f.signal } : {}) },
    );
  } catch (err) {
    const error = toGregorError(err, { topic, partition });
    if (needsMetadataRefresh(error) || error.retriable) cluster.distrust(leader);
    throw error;
  }
  const result = res.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partition === partition);
  if (result === undefined) throw new GregorError('UNKNOWN_SERVER_ERROR', `Fetch response has no result for ${topic}-${partition}`, { topic, partition });
  const highWatermark = int64(result.highWatermark);
  const logStartOffset = int64(result.logStartOffset);
  const lso = int64(result.lastStableOffset);
  // -1: a broker that does not say (no transactions there).
  const lastStableOffset = lso < 0n ? highWatermark : lso;
  const error = errorFromWire(result.error, { topic, partition });
  if (error !== undefined) {
    if (needsMetadataRefresh(error)) cluster.distrust(leader);
    if (error.errorName === 'OFFSET_OUT_OF_RANGE') throw await withPartitionRange(cluster, error, f.signal);
    throw error;
  }
  if (result.records.length === 0) return { records: [], nextOffset: offset, highWatermark, lastStableOffset, logStartOffset };
  const aborted = f.committed ? result.abortedTransactions.map((a) => ({ producerId: int64(a.producerId), firstOffset: int64(a.firstOffset) })) : undefined;
  const fetched = recordsFromFetch(topic, partition, result.records, offset, aborted);
  if (fetched.records.length > f.maxRecords) {
    const records = fetched.records.slice(0, f.maxRecords);
    return { records, nextOffset: records[records.length - 1]!.offset + 1n, highWatermark, lastStableOffset, logStartOffset };
  }
  return { records: fetched.records, nextOffset: fetched.nextFetchOffset, highWatermark, lastStableOffset, logStartOffset };
}
