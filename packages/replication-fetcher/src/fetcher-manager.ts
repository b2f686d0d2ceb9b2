import { silentLogger, systemClock, tpKey, type Clock, type Logger } from '@gregor/common';
import { DEFAULT_REPLICA_FETCHER_CONFIG, type ReplicaFetcherConfig } from './fetcher-config';
import { FetcherLoop } from './fetcher-loop';
import type { FollowedPartition } from './follower-log';
import { PartitionFetch, type FetchPartitionStatus } from './partition-fetch';
import { grpcReplicationClient, type ReplicationClientFactory } from './replication-client';

export interface ReplicaFetcherManagerOptions {
  /** This node's id, sent as replica_id. */
  replicaId: number;
  /** host:port of a broker's listener serving GregorReplication; undefined while unknown. */
  leaderAddress: (leaderId: number) => string | undefined;
  /** This broker's epoch from registration, -1n when none (sent for KIP-903). */
  brokerEpoch?: () => bigint;
  config?: Partial<ReplicaFetcherConfig>;
  /** Defaults to gRPC; tests script leaders with their own. */
  clientFactory?: ReplicationClientFactory;
  logger?: Logger;
  clock?: Clock;
  /** For backoff jitter; inject a seeded one to replay. */
  random?: () => number;
  /**
   * Latency tracing: called after each fetch answer that carried records
   * is applied, with the ms from its arrival until its appends were done
   * (the next fetch, which tells the leader, leaves right after).
   */
  onApplied?: (applyMs: number) => void;
}

/**
 * All follower fetching of one broker: one FetcherLoop per source (leader)
 * broker, created when the first partition from that leader arrives and
 * stopped when its last one leaves. Assignment changes are applied one at a
 * time, in call order; moving a partition to another leader first waits for
 * its in-flight append or truncation, so a log is never written by two
 * loops at once, and a caller that awaits removePartitions may then write
 * the log itself (become leader).
 */
export class ReplicaFetcherManager {
  private readonly loops = new Map<number, FetcherLoop>();
  /** Partition key → the leader whose loop has it. */
  private readonly assigned = new Map<string, number>();
  private readonly config: ReplicaFetcherConfig;
  private readonly logger: Logger;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: ReplicaFetcherManagerOptions) {
    this.config = { ...DEFAULT_REPLICA_FETCHER_CONFIG, ...opts.config };
    this.logger = opts.logger ?? silentLogger();
  }

  /**
   * Follows each partition from its leader. A partition already followed
   * from the same leader in the same epoch with the same log is left alone;
   * otherwise it restarts in the truncating phase under its new leader.
   */
  addPartitions(partitions: readonly FollowedPartition[]): Promise<void> {
    return this.serially(async () => {
      for (const p of partitions) {
        const key = tpKey(p.topic, p.partition);
        const currentLeader = this.assigned.get(key);
        if (currentLeader !== undefined) {
          const loop = this.loops.get(currentLeader)!;
          if (loop.get(key)?.sameAssignment(p) === true) continue;
          await loop.remove(key);
        }
        let loop = this.loops.get(p.leaderId);
        if (loop === undefined) {
          loop = new FetcherLoop(p.leaderId, {
            replicaId: this.opts.replicaId,
            brokerEpoch: this.opts.brokerEpoch ?? (() => -1n),
            leaderAddress: this.opts.leaderAddress,
            clientFactory: this.opts.clientFactory ?? grpcReplicationClient,
            config: this.config,
            logger: this.logger,
            clock: this.opts.clock ?? systemClock,
            random: this.opts.random ?? Math.random,
            ...(this.opts.onApplied !== undefined ? { onApplied: this.opts.onApplied } : {}),
          });
          this.loops.set(p.leaderId, loop);
        }
        loop.add(new PartitionFetch(p));
        this.assigned.set(key, p.leaderId);
      }
      await this.stopEmptyLoops();
    });
  }

  /** Stops following; resolves once nothing is writing those logs any more. */
  removePartitions(partitions: readonly { topic: string; partition: number }[]): Promise<void> {
    return this.serially(async () => {
      for (const { topic, partition } of partitions) {
        const key = tpKey(topic, partition);
        const leader = this.assigned.get(key);
        if (leader === undefined) continue;
        this.assigned.delete(key);
        await this.loops.get(leader)?.remove(key);
      }
      await this.stopEmptyLoops();
    });
  }

  status(topic: string, partition: number): FetchPartitionStatus | undefined {
    const key = tpKey(topic, partition);
    const leader = this.assigned.get(key);
    return leader === undefined ? undefined : this.loops.get(leader)?.get(key)?.status();
  }

  statuses(): FetchPartitionStatus[] {
    const out: FetchPartitionStatus[] = [];
    for (const loop of this.loops.values()) for (const p of loop.partitionStates()) out.push(p.status());
    return out;
  }

  /** Source brokers with a running loop. */
  get leaderIds(): number[] {
    return [...this.loops.keys()].sort((a, b) => a - b);
  }

  /** Stops every loop; in-flight appends finish first. Later calls do nothing. */
  stop(): Promise<void> {
    return this.serially(async () => {
      this.stopped = true;
      const loops = [...this.loops.values()];
      this.loops.clear();
      this.assigned.clear();
      await Promise.all(loops.map((l) => l.stop()));
    });
  }

  private async stopEmptyLoops(): Promise<void> {
    for (const [leader, loop] of [...this.loops]) {
      if (loop.size > 0) continue;
      this.loops.delete(leader);
      await loop.stop();
    }
  }

  private serially(op: () => Promise<void>): Promise<void> {
    const run = this.chain.then(() => (this.stopped ? undefined : op()));
    this.chain = run.catch((err: unknown) => {
      this.logger.error('replica fetcher assignment failed', { err: String(err) });
    });
    return run;
  }
}
