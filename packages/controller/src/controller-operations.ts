import { randomUUID } from 'node:crypto';
import { GregorError, toGregorError } from '@gregor/common';
import type { AlterPartitionRequest } from './election';
import { planAlterPartition } from './election';
import type { PartitionState } from './image';
import type { CreateTopicSpec, PlanLimits, RegisterBrokerRequest } from './plans';
import {
  planAllocateProducerIds,
  planAlterConfigs,
  planCreatePartitions,
  planCreateTopic,
  planDeleteTopic,
  planFenceBroker,
  planRegisterBroker,
  planUnfenceBroker,
} from './plans';
import type { QuorumController } from './quorum-controller';
import type { MetadataRecord } from './records';

/**
 * The controller's requests in domain terms (the gRPC service converts wire
 * types to these and back). Each write is planned and committed through the
 * active controller's write queue; per-topic and per-partition failures are
 * reported per item, as Kafka does.
 */

export interface TopicResult {
  name: string;
  topicId?: string;
  error?: GregorError;
}

export interface TopicsOutcome {
  results: TopicResult[];
  /** Highest offset written by this request (0 when nothing was written). */
  metadataOffset: number;
}

export interface HeartbeatRequest {
  brokerId: number;
  brokerEpoch: number;
  metadataOffset: number;
  wantFence: boolean;
  wantShutdown: boolean;
}

export interface HeartbeatOutcome {
  isCaughtUp: boolean;
  isFenced: boolean;
  shouldShutdown: boolean;
  /** The active controller's applied metadata offset when it answered. */
  metadataOffset: number;
}

export interface AlterPartitionOutcome {
  results: { topic: string; partition: number; error?: GregorError; state?: PartitionState }[];
  metadataOffset: number;
}

export interface AlterConfigsChange {
  name: string;
  set: Readonly<Record<string, string>>;
  remove: readonly string[];
  replace: boolean;
}

export class ControllerOperations {
  constructor(
    private readonly qc: QuorumController,
    private readonly limits: PlanLimits,
    private readonly newTopicId: () => string = randomUUID,
  ) {}

  private now(): number {
    return this.qc.opts.clock.monotonicMs();
  }

  async registerBroker(req: RegisterBrokerRequest, timeoutMs = 0): Promise<{ brokerEpoch: number }> {
    return this.qc.write(
      `register broker ${req.brokerId}`,
      (image) => ({
        records: planRegisterBroker(image, req, (id) => this.qc.sessions.hasLiveSession(id, this.now())),
        result: (after) => {
          const b = after.broker(req.brokerId);
          if (b === undefined || b.incarnationId !== req.incarnationId) {
            throw new GregorError('DUPLICATE_BROKER_REGISTRATION', `broker ${req.brokerId} was registered by another incarnation meanwhile`);
          }
          this.qc.sessions.touch(req.brokerId, this.now());
          return { brokerEpoch: b.brokerEpoch };
        },
      }),
      timeoutMs,
    );
  }

  /**
   * BrokerHeartbeat: renews the session, and fences or unfences the broker as
   * it asks and as its progress allows. A broker is caught up once it has
   * applied the metadata log up to its own registration (KRaft's rule) and
   * up to the record that fenced it last (Gregor's addition): a broker
   * fenced while cut off comes back with an image from before the cut, in
   * which it still leads partitions that have moved on; unfenced on the
   * registration rule alone it went straight back into elections and ISRs
   * on stale state, and was fenced and unfenced again and again while it
   * caught up (issue 10). Applying its own fencing means it has seen every
   * leadership change that fencing made.
   */
  async heartbeat(req: HeartbeatRequest): Promise<HeartbeatOutcome> {
    this.qc.requireActive();
    const broker = this.qc.image.broker(req.brokerId);
    if (broker === undefined) throw new GregorError('BROKER_ID_NOT_REGISTERED', `broker ${req.brokerId} is not registered`);
    if (broker.brokerEpoch !== req.brokerEpoch) {
      throw new GregorError('STALE_BROKER_EPOCH', `broker ${req.brokerId} epoch ${req.brokerEpoch} is not the current ${broker.brokerEpoch}`);
    }
    this.qc.sessions.touch(req.brokerId, this.now(), req.metadataOffset);
    const isCaughtUp = req.metadataOffset >= Math.max(broker.brokerEpoch, broker.fencedAtOffset ?? -1);
    const epoch = broker.brokerEpoch;
    const sameIncarnation = (id: number): boolean => this.qc.image.broker(id)?.brokerEpoch === epoch;
    if (req.wantFence || req.wantShutdown) {
      if (!broker.fenced) {
        const reason = req.wantShutdown ? 'controlled shutdown' : 'the broker asked to be fenced';
        await this.qc.write(`fence broker ${req.brokerId}`, (image) => ({
          records: sameIncarnation(req.brokerId) ? planFenceBroker(image, req.brokerId, reason) : [],
          result: () => undefined,
        }));
      }
      return { isCaughtUp, isFenced: true, shouldShutdown: req.wantShutdown, metadataOffset: this.qc.image.offset };
    }
    if (broker.fenced && isCaughtUp) {
      await this.qc.write(`unfence broker ${req.brokerId}`, (image) => ({
        records: sameIncarnation(req.brokerId) ? planUnfenceBroker(image, req.brokerId) : [],
        result: () => undefined,
      }));
    }
    return { isCaughtUp, isFenced: this.qc.image.broker(req.brokerId)?.fenced ?? true, shouldShutdown: false, metadataOffset: this.qc.image.offset };
  }

  /** Runs one write per item concurrently (the queue serialises them) and gathers per-item outcomes. */
  private async perTopic<T extends { name: string }>(
    items: readonly T[],
    validateOnly: boolean,
    what: string,
    plan: (item: T, image: QuorumController['image']) => { records: MetadataRecord[]; topicId?: string },
    timeoutMs: number,
  ): Promise<TopicsOutcome> {
    this.qc.requireActive();
    let metadataOffset = 0;
    const seen = new Set<string>();
    const results = await Promise.all(
      items.map(async (item): Promise<TopicResult> => {
        if (seen.has(item.name)) {
          return { name: item.name, error: new GregorError('INVALID_REQUEST', `topic "${item.name}" appears more than once in the request`, { topic: item.name }) };
        }
        seen.add(item.name);
        try {
          if (validateOnly) {
            const p = plan(item, this.qc.image);
            return { name: item.name, ...(p.topicId !== undefined ? { topicId: p.topicId } : {}) };
          }
          return await this.qc.write(
            `${what} ${item.name}`,
            (image) => {
              const p = plan(item, image);
              return {
                records: p.records,
                result: (_after, offset): TopicResult => {
                  metadataOffset = Math.max(metadataOffset, offset);
                  return { name: item.name, ...(p.topicId !== undefined ? { topicId: p.topicId } : {}) };
                },
              };
            },
            timeoutMs,
          );
        } catch (err) {
          const e = toGregorError(err, { topic: item.name });
          // Losing leadership or the deadline is the request's failure, not the topic's.
          if (e.errorName === 'NOT_CONTROLLER') throw e;
          return { name: item.name, error: e };
        }
      }),
    );
    return { results, metadataOffset };
  }

  createTopics(specs: readonly CreateTopicSpec[], opts: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<TopicsOutcome> {
    return this.perTopic(
      specs,
      opts.validateOnly ?? false,
      'create topic',
      (spec, image) => {
        const topicId = this.newTopicId();
        return { records: planCreateTopic(image, spec, topicId, this.limits), topicId };
      },
      opts.timeoutMs ?? 0,
    );
  }

  deleteTopics(names: readonly string[], opts: { timeoutMs?: number } = {}): Promise<TopicsOutcome> {
    return this.perTopic(
      names.map((name) => ({ name })),
      false,
      'delete topic',
      (item, image) => ({ records: planDeleteTopic(image, item.name), topicId: image.topicByName(item.name)?.topicId ?? '' }),
      opts.timeoutMs ?? 0,
    );
  }

  createPartitions(
    topics: readonly { name: string; count: number }[],
    opts: { validateOnly?: boolean; timeoutMs?: number } = {},
  ): Promise<TopicsOutcome> {
    return this.perTopic(
      topics,
      opts.validateOnly ?? false,
      'create partitions for',
      (item, image) => ({ records: planCreatePartitions(image, item.name, item.count, this.limits) }),
      opts.timeoutMs ?? 0,
    );
  }

  alterConfigs(changes: readonly AlterConfigsChange[], opts: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<TopicsOutcome> {
    return this.perTopic(
      changes,
      opts.validateOnly ?? false,
      'alter configs of',
      (c, image) => ({ records: planAlterConfigs(image, c.name, { set: c.set, remove: c.remove, replace: c.replace }, this.limits) }),
      opts.timeoutMs ?? 0,
    );
  }

  /**
   * AlterPartition: the items of one request are planned and committed
   * together, in one write (one Raft batch) per round; one item's refusal
   * does not hold back the rest. A partition named more than once goes in
   * a later round, so each of its items is planned against the image its
   * predecessor left (as separate requests would be). One write per item
   * cost a commit round trip each: a broker rejoining after a restart or a
   * cut asks for dozens of ISR expansions at once, and every other write —
   * a fencing, a create, a new controller's first writes — queued behind
   * them.
   */
  async alterPartition(
    brokerId: number,
    brokerEpoch: number,
    items: readonly Omit<AlterPartitionRequest, 'brokerId' | 'brokerEpoch'>[],
    timeoutMs = 0,
  ): Promise<AlterPartitionOutcome> {
    this.qc.requireActive();
    const rounds: number[][] = [];
    const timesSeen = new Map<string, number>();
    items.forEach((item, i) => {
      const key = `${item.topic}\u0000${item.partition}`;
      const round = timesSeen.get(key) ?? 0;
      timesSeen.set(key, round + 1);
      (rounds[round] ??= []).push(i);
    });
    const results: AlterPartitionOutcome['results'] = new Array(items.length);
    let metadataOffset = 0;
    for (const round of rounds) {
      const out = await this.alterPartitionRound(brokerId, brokerEpoch, round.map((i) => items[i]!), timeoutMs);
      metadataOffset = Math.max(metadataOffset, out.metadataOffset);
      round.forEach((i, j) => (results[i] = out.results[j]!));
    }
    return { results, metadataOffset };
  }

  /** One write for items that name distinct partitions: each plan is independent of the others. */
  private alterPartitionRound(
    brokerId: number,
    brokerEpoch: number,
    items: readonly Omit<AlterPartitionRequest, 'brokerId' | 'brokerEpoch'>[],
    timeoutMs: number,
  ): Promise<AlterPartitionOutcome> {
    return this.qc.write(
      `alter partition ${items.length === 1 ? `${items[0]!.topic}-${items[0]!.partition}` : `(${items.length} partitions)`}`,
      (image) => {
        const records: MetadataRecord[] = [];
        const errors = items.map((item) => {
          try {
            const record = planAlterPartition(image, { ...item, brokerId, brokerEpoch });
            if (record !== undefined) records.push(record);
            return undefined;
          } catch (err) {
            return toGregorError(err, { topic: item.topic, partition: item.partition });
          }
        });
        return {
          records,
          result: (after, offset): AlterPartitionOutcome => ({
            metadataOffset: offset,
            results: items.map((item, i) => {
              const error = errors[i];
              if (error !== undefined) return { topic: item.topic, partition: item.partition, error };
              return { topic: item.topic, partition: item.partition, state: after.topicByName(item.topic)!.partitions[item.partition]! };
            }),
          }),
        };
      },
      timeoutMs,
    );
  }

  allocateProducerIds(brokerId: number, brokerEpoch: number, timeoutMs = 0): Promise<{ firstProducerId: bigint; size: bigint }> {
    return this.qc.write(
      `allocate producer ids for broker ${brokerId}`,
      (image) => {
        const p = planAllocateProducerIds(image, brokerId, brokerEpoch);
        return { records: p.records, result: () => ({ firstProducerId: p.firstProducerId, size: p.size }) };
      },
      timeoutMs,
    );
  }
}
