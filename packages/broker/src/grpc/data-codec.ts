import type * as wire from '@gregor/proto';
import type * as api from '../api';
import { int64, wireError } from './wire';

/**
 * gregor.v1.Gregor's data-path RPCs ↔ the broker's domain types. Record
 * bytes pass by reference both ways: proto-loader's decoded Buffer goes to
 * storage as it is, and the stored bytes go into the response message.
 */

export function decodeProduce(req: wire.ProduceRequest__Output): api.ProduceRequest {
  return { acks: req.acks, timeoutMs: req.timeoutMs, topics: req.topics, ...(req.transactionalId !== '' ? { transactionalId: req.transactionalId } : {}) };
}

export function encodeProduce(res: api.ProduceResponse): wire.ProduceResponse {
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        error: wireError(p.error),
        baseOffset: p.baseOffset.toString(),
        logAppendTimeMs: p.logAppendTimeMs.toString(),
        logStartOffset: p.logStartOffset.toString(),
      })),
    })),
  };
}

export function decodeFetch(req: wire.FetchRequest__Output): api.FetchRequest {
  return {
    maxWaitMs: req.maxWaitMs,
    minBytes: req.minBytes,
    maxBytes: req.maxBytes,
    isolationLevel: req.isolationLevel,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        fetchOffset: int64(p.fetchOffset, 'fetch_offset'),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      })),
    })),
  };
}

export function encodeFetch(res: api.FetchResponse): wire.FetchResponse {
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        error: wireError(p.error),
        highWatermark: p.highWatermark.toString(),
        logStartOffset: p.logStartOffset.toString(),
        lastStableOffset: p.lastStableOffset.toString(),
        records: p.records,
        abortedTransactions: (p.abortedTransactions ?? []).map((a) => ({ producerId: a.producerId.toString(), firstOffset: a.firstOffset.toString() })),
      })),
    })),
  };
}

export function decodeListOffsets(req: wire.ListOffsetsRequest__Output): api.ListOffsetsRequest {
  return {
    isolationLevel: req.isolationLevel,
    topics: req.topics.map((t) => ({
      name: t.name,
      // gRPC has no current_leader_epoch here: no fencing (-1).
      partitions: t.partitions.map((p) => ({ partition: p.partition, timestamp: int64(p.timestamp, 'timestamp'), currentLeaderEpoch: -1 })),
    })),
  };
}

export function encodeListOffsets(res: api.ListOffsetsResponse): wire.ListOffsetsResponse {
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        error: wireError(p.error),
        timestamp: p.timestamp.toString(),
        offset: p.offset.toString(),
        leaderEpoch: p.leaderEpoch,
      })),
    })),
  };
}
