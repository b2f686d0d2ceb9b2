import { Gauge, type Registry } from 'prom-client';
import type { BrokerStatus } from '@gregor/broker';

/** Kafka's ReplicaManager gauges, from one status snapshot (the broker counts the led partitions: countLedPartition). */
export interface BrokerPartitionCounts {
  /** Replicas hosted here in any role (Kafka: PartitionCount). */
  partitions: number;
  /** Partitions this broker leads (LeaderCount). */
  leaders: number;
  /** Led partitions whose ISR is smaller than their replica set (UnderReplicatedPartitions). */
  underReplicated: number;
  /** Led partitions whose ISR is below min.insync.replicas: acks=all fails there (UnderMinIsrPartitionCount). */
  underMinIsr: number;
  /** Led partitions whose ISR is exactly min.insync.replicas: one more loss blocks acks=all (AtMinIsrPartitionCount). */
  atMinIsr: number;
}

export function brokerPartitionCounts(status: BrokerStatus): BrokerPartitionCounts {
  return { partitions: status.hostedPartitions, ...status.led };
}

/**
 * A reading shared by several gauges of one scrape: the first gauge a
 * scrape collects calls `fresh()`, the others `get()` (prom-client
 * collects a registry's metrics in registration order).
 */
export function sharedReading<T>(read: () => T): { fresh(): T; get(): T } {
  let cached: { value: T } | undefined;
  return {
    fresh() {
      cached = { value: read() };
      return cached.value;
    },
    get() {
      return cached === undefined ? this.fresh() : cached.value;
    },
  };
}

/**
 * Gauges read from the broker's status on every scrape; on a node without
 * a broker (controller-only) they stay 0.
 */
export function registerBrokerGauges(registry: Registry, status: () => BrokerStatus | undefined): void {
  const registers = [registry];
  // One status per scrape, not one per gauge: with 10,000 partitions each is a pass over thousands of led ones.
  const reading = sharedReading((): { counts: BrokerPartitionCounts; status: BrokerStatus } | undefined => {
    const s = status();
    return s === undefined ? undefined : { counts: brokerPartitionCounts(s), status: s };
  });
  let first = true;
  const gauge = (name: string, help: string, pick: (x: { counts: BrokerPartitionCounts; status: BrokerStatus }) => number): void => {
    const read = first ? () => reading.fresh() : () => reading.get();
    first = false;
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const x = read();
        if (x === undefined) this.reset();
        else this.set(pick(x));
      },
    });
  };
  gauge('gregor_partitions', 'Partition replicas hosted on this broker (leader or follower)', (x) => x.counts.partitions);
  gauge('gregor_leader_partitions', 'Partitions this broker leads', (x) => x.counts.leaders);
  gauge('gregor_under_replicated_partitions', 'Partitions led here whose ISR is smaller than the replica set', (x) => x.counts.underReplicated);
  gauge('gregor_under_min_isr_partitions', 'Partitions led here whose ISR is below min.insync.replicas (acks=all fails)', (x) => x.counts.underMinIsr);
  gauge('gregor_at_min_isr_partitions', 'Partitions led here whose ISR is exactly min.insync.replicas', (x) => x.counts.atMinIsr);
  gauge('gregor_fetch_waiting_requests', 'Consumer and follower fetches long-polling in the purgatory', (x) => x.status.waitingFetches);
  gauge('gregor_produce_waiting_partitions', 'acks=all produce partitions waiting for the high watermark', (x) => x.status.waitingProduces);
  gauge('gregor_kafka_connections', 'Open connections on the KAFKA listener', (x) => x.status.kafka?.connections ?? 0);
  gauge('gregor_kafka_paused_connections', 'KAFKA connections not being read: at their in-flight or buffered-bytes bound (slow readers)', (x) => x.status.kafka?.pausedConnections ?? 0);
  gauge('gregor_kafka_evicted_connections', 'Idle KAFKA connections closed since start to make room for a new one at max.connections', (x) => x.status.kafka?.evictedConnections ?? 0);
  gauge('gregor_kafka_rejected_connections', 'New KAFKA connections refused since start because max.connections busy ones were open', (x) => x.status.kafka?.rejectedConnections ?? 0);
  gauge('gregor_request_bytes_in_flight', 'Bytes of client requests read and not yet answered, KAFKA and gRPC (bound: queued.max.request.bytes)', (x) => x.status.requestBytes.used);
  gauge('gregor_request_bytes_max', 'queued.max.request.bytes (0 or less: unbounded)', (x) => x.status.requestBytes.max);
  gauge('gregor_request_readers_waiting', 'Connections and gRPC calls not read now because request bytes in flight are at queued.max.request.bytes', (x) => x.status.requestBytes.waitingReaders);
  gauge('gregor_request_reads_paused', 'Times since start a connection or call waited for room under queued.max.request.bytes', (x) => x.status.requestBytes.pausedTotal);
  gauge('gregor_kafka_fetch_sessions', 'Incremental fetch sessions (KIP-227) the KAFKA listener holds (bound: max.incremental.fetch.session.cache.slots)', (x) => x.status.kafka?.fetchSessions ?? 0);
  gauge('gregor_kafka_fetch_session_partitions', 'Partitions held by the KAFKA listener\'s incremental fetch sessions', (x) => x.status.kafka?.fetchSessionPartitions ?? 0);
  gauge('gregor_replica_fetch_sessions', 'Followers\' incremental fetch sessions (KIP-227) this leader holds (at most one per follower)', (x) => x.status.replicaFetchSessions.sessions);
  gauge('gregor_replica_fetch_session_partitions', 'Partitions held by followers\' incremental fetch sessions on this leader', (x) => x.status.replicaFetchSessions.partitions);
  gauge('gregor_kafka_fetch_sessions_evicted', 'Idle incremental fetch sessions evicted since start to make room for a new one', (x) => x.status.kafka?.fetchSessionsEvicted ?? 0);
}
