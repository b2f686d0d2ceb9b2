import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@gregor/common';
import { GregorError, silentLogger, tidyGrpcDetails, withRetry } from '@gregor/common';
import type {
  ControllerError__Output,
  ControllerTopicsResponse__Output,
  DescribeQuorumResponse__Output,
  FetchMetadataResponse__Output,
  GregorControllerClient,
} from '@gregor/proto';
import { loadControllerProto } from '@gregor/proto';
import type { HeartbeatOutcome, HeartbeatRequest, TopicsOutcome } from './controller-operations';
import type { FetchedMetadata } from './fetched-metadata';
import type { TargetState } from './controller-target';
import { answered, chooseTarget, initialTargetState, redirected, unreachable } from './controller-target';
import { CONTROLLER_CHANNEL_OPTIONS } from './peer-sender';
import type { CreateTopicSpec, RegisterBrokerRequest } from './plans';
import type { VoterAddress } from './quorum-controller';

/**
 * A broker's (or tool's) way to the active controller. It asks the voter
 * the quorum names (the local metadata log's leader-change, when it is
 * given `quorumLeader`), else its best guess, follows NOT_CONTROLLER hints,
 * skips a voter that just failed to answer for a short cool-off, and moves
 * round the voter list when nobody is known (controller-target.ts) — with
 * backoff and within an overall deadline, after which the last retriable
 * error (NOT_CONTROLLER, NETWORK_EXCEPTION) is thrown. Other errors are the
 * controller's answer and are returned or thrown at once.
 */

export interface ControllerClientOptions {
  voters: readonly VoterAddress[];
  clusterId: string;
  /** Deadline of one RPC. Default 5000. */
  rpcTimeoutMs?: number;
  /** Overall time to find an active controller. Default 15000. */
  retryDeadlineMs?: number;
  /**
   * The active controller as the quorum names it locally (the latest
   * leader-change record this node applied); -1 when unknown. Read before
   * every attempt: a change replaces the client's own guess.
   */
  quorumLeader?: () => number;
  /** How long a voter that did not answer is skipped. Default 1000. */
  unreachableCoolOffMs?: number;
  logger?: Logger;
}

function fromWire(e: ControllerError__Output | null, context: Record<string, unknown> = {}): GregorError | undefined {
  if (e === null || e.code === 0) return undefined;
  const err = GregorError.fromCode(e.code, e.message.replace(/^[A-Z_]+: /, ''), { ...context, ...(e.leaderHint >= 0 ? { leaderHint: e.leaderHint } : {}) });
  return err;
}

/** The active controller's view of the quorum (DescribeQuorum), in domain terms. */
export interface QuorumDescription {
  /** The active controller (Raft leader) that answered. */
  readonly leaderId: number;
  readonly leaderAddress: string;
  /** Raft term (KRaft's leader epoch). */
  readonly term: number;
  /** Raft commit index: the metadata log's high watermark. */
  readonly commitIndex: number;
  /** The leader's last log index. */
  readonly logEndOffset: number;
  readonly voters: readonly {
    readonly nodeId: number;
    readonly address: string;
    /** -1 when the leader does not know it yet. */
    readonly logEndOffset: number;
    /** 0 for the leader itself; -1 when the leader never heard from it. */
    readonly lastContactMsAgo: number;
  }[];
}

function quorumDescription(res: DescribeQuorumResponse__Output): QuorumDescription {
  const self = res.voters.find((v) => v.nodeId === res.nodeId);
  return {
    leaderId: res.nodeId,
    leaderAddress: self?.address ?? res.controllerAddress,
    term: Number(res.term),
    commitIndex: Number(res.commitIndex),
    logEndOffset: Number(self?.logEndOffset ?? res.commitIndex),
    voters: res.voters.map((v) => ({
      nodeId: v.nodeId,
      address: v.address,
      logEndOffset: Number(v.logEndOffset),
      lastContactMsAgo: Number(v.lastContactMsAgo),
    })),
  };
}

/** One partition's AlterPartition answer: an error, or the partition's new state. */
export interface AlterPartitionItemResult {
  topic: string;
  partition: number;
  error?: GregorError;
  state?: { leader: number; leaderEpoch: number; partitionEpoch: number; isr: readonly number[] };
}

interface ControllerAnswer {
  error: ControllerError__Output | null;
  controllerId?: number;
}

export class ControllerClient {
  private readonly clients = new Map<number, GregorControllerClient>();
  private readonly target: TargetState = initialTargetState();
  private readonly voterIds: readonly number[];
  private readonly rpcTimeoutMs: number;
  private readonly retryDeadlineMs: number;
  private readonly logger: Logger;
  private closed = false;

  constructor(private readonly opts: ControllerClientOptions) {
    if (opts.voters.length === 0) throw new GregorError('INVALID_CONFIG', 'controller.quorum.voters is empty');
    this.rpcTimeoutMs = opts.rpcTimeoutMs ?? 5000;
    this.retryDeadlineMs = opts.retryDeadlineMs ?? 15_000;
    this.logger = opts.logger ?? silentLogger();
    this.voterIds = opts.voters.map((v) => v.id);
  }

  /** The voter believed to be active, if any. */
  get activeControllerGuess(): number | undefined {
    return this.target.guess;
  }

  private pickTarget(): number {
    return chooseTarget(this.target, this.voterIds, this.opts.quorumLeader?.() ?? -1, performance.now());
  }

  private client(id: number): GregorControllerClient {
    let c = this.clients.get(id);
    if (c === undefined) {
      const v = this.opts.voters.find((x) => x.id === id)!;
      const Ctor = loadControllerProto().gregor.v1.GregorController;
      c = new Ctor(`${v.host}:${v.port}`, grpc.credentials.createInsecure(), CONTROLLER_CHANNEL_OPTIONS);
      this.clients.set(id, c);
    }
    return c;
  }

  /** One unary call to one voter; transport failures become NETWORK_EXCEPTION. */
  private invoke<Res>(id: number, method: string, request: unknown, timeoutMs: number): Promise<Res> {
    if (this.closed) return Promise.reject(new GregorError('NETWORK_EXCEPTION', 'controller client is closed'));
    const client = this.client(id) as unknown as Record<
      string,
      (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void
    >;
    return new Promise((resolve, reject) => {
      client[method]!.call(client, request, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
        if (err !== null || res === undefined) {
          reject(new GregorError('NETWORK_EXCEPTION', `controller ${id}: ${err !== null ? tidyGrpcDetails(err.details) : 'empty answer'} (${method})`, { nodeId: id }));
        } else resolve(res);
      });
    });
  }

  /** One try at the voter believed active; NOT_CONTROLLER answers move the guess. */
  private async attempt<Res extends ControllerAnswer>(method: string, request: unknown, rpcTimeoutMs: number): Promise<Res> {
    const target = this.pickTarget();
    let res: Res;
    try {
      res = await this.invoke<Res>(target, method, request, rpcTimeoutMs);
    } catch (err) {
      unreachable(this.target, target, performance.now(), this.opts.unreachableCoolOffMs ?? 1000);
      throw err;
    }
    if (res.error !== null && res.error.name === 'NOT_CONTROLLER') {
      redirected(this.target, res.controllerId ?? res.error.leaderHint);
      throw fromWire(res.error)!;
    }
    answered(this.target, target);
    return res;
  }

  /**
   * Sends `method` to the active controller. Resolves with its answer unless
   * the answer is NOT_CONTROLLER or the voter is unreachable, which move on
   * to the next candidate; out of time, throws NOT_CONTROLLER (retriable)
   * saying so.
   */
  async call<Res extends ControllerAnswer>(method: string, request: unknown, opts: { deadlineMs?: number; rpcTimeoutMs?: number } = {}): Promise<Res> {
    const deadlineMs = opts.deadlineMs ?? this.retryDeadlineMs;
    const rpcTimeoutMs = Math.min(opts.rpcTimeoutMs ?? this.rpcTimeoutMs, deadlineMs);
    const lookingFor = (err: unknown): err is GregorError =>
      err instanceof GregorError && (err.errorName === 'NOT_CONTROLLER' || err.errorName === 'NETWORK_EXCEPTION');
    const started = Date.now();
    try {
      return await withRetry(() => this.attempt<Res>(method, request, rpcTimeoutMs), {
        retries: 1000,
        // Short waits: during an election a few cheap RPCs a second cost far
        // less than answering hundreds of ms after the new leader is ready.
        initialBackoffMs: 20,
        maxBackoffMs: 100,
        deadlineMs,
        isRetriable: (err) => !this.closed && lookingFor(err),
        onRetry: (err, attempt) => {
          if (attempt % 10 === 0) this.logger.debug(`still looking for the active controller (${method}): ${(err as Error).message}`);
        },
      });
    } catch (err) {
      if (!this.closed && lookingFor(err)) {
        const last = err.message;
        throw new GregorError(
          'NOT_CONTROLLER',
          `no controller answered ${method} within ${Date.now() - started} ms: the active one is unknown, unreachable or overloaded (last: ${last})`,
          err.context,
          err,
        );
      }
      throw err;
    }
  }

  private static throwIfError(res: ControllerAnswer, context: Record<string, unknown> = {}): void {
    const err = fromWire(res.error, context);
    if (err !== undefined) throw err;
  }

  private static topics(res: ControllerTopicsResponse__Output): TopicsOutcome {
    ControllerClient.throwIfError(res);
    return {
      metadataOffset: Number(res.metadataOffset),
      results: res.topics.map((t) => {
        const error = fromWire(t.error, { topic: t.name });
        return { name: t.name, ...(t.topicId !== '' ? { topicId: t.topicId } : {}), ...(error !== undefined ? { error } : {}) };
      }),
    };
  }

  async registerBroker(req: RegisterBrokerRequest, timeoutMs = 0, deadlineMs?: number): Promise<{ brokerEpoch: number }> {
    const res = await this.call<{ error: ControllerError__Output | null; controllerId: number; brokerEpoch: string }>(
      'BrokerRegistration',
      { brokerId: req.brokerId, incarnationId: req.incarnationId, listeners: req.listeners, rack: req.rack ?? '', clusterId: this.opts.clusterId, timeoutMs },
      deadlineMs !== undefined ? { deadlineMs } : {},
    );
    ControllerClient.throwIfError(res);
    return { brokerEpoch: Number(res.brokerEpoch) };
  }

  /**
   * `timing`: overall deadline and per-attempt timeout (see heartbeatTiming).
   * The answer says which controller gave it.
   */
  async heartbeat(req: HeartbeatRequest, timing: { deadlineMs?: number; rpcTimeoutMs?: number } = {}): Promise<HeartbeatOutcome & { controllerId: number }> {
    const res = await this.call<{ error: ControllerError__Output | null; controllerId: number } & HeartbeatOutcome>(
      'BrokerHeartbeat',
      {
        brokerId: req.brokerId,
        brokerEpoch: req.brokerEpoch,
        currentMetadataOffset: req.metadataOffset,
        wantFence: req.wantFence,
        wantShutdown: req.wantShutdown,
      },
      timing,
    );
    ControllerClient.throwIfError(res);
    return {
      isCaughtUp: res.isCaughtUp,
      isFenced: res.isFenced,
      shouldShutdown: res.shouldShutdown,
      metadataOffset: Number(res.metadataOffset),
      controllerId: res.controllerId,
    };
  }

  async createTopics(specs: readonly CreateTopicSpec[], opts: { validateOnly?: boolean; timeoutMs?: number; deadlineMs?: number } = {}): Promise<TopicsOutcome> {
    const res = await this.call<ControllerTopicsResponse__Output>(
      'CreateTopics',
      { topics: specs, validateOnly: opts.validateOnly ?? false, timeoutMs: opts.timeoutMs ?? 0 },
      opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {},
    );
    return ControllerClient.topics(res);
  }

  async deleteTopics(names: readonly string[], opts: { timeoutMs?: number; deadlineMs?: number } = {}): Promise<TopicsOutcome> {
    const res = await this.call<ControllerTopicsResponse__Output>(
      'DeleteTopics',
      { names, timeoutMs: opts.timeoutMs ?? 0 },
      opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {},
    );
    return ControllerClient.topics(res);
  }

  async createPartitions(topics: readonly { name: string; count: number }[], opts: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<TopicsOutcome> {
    const res = await this.call<ControllerTopicsResponse__Output>('CreatePartitions', {
      topics,
      validateOnly: opts.validateOnly ?? false,
      timeoutMs: opts.timeoutMs ?? 0,
    });
    return ControllerClient.topics(res);
  }

  async alterConfigs(
    changes: readonly { name: string; set: Readonly<Record<string, string>>; remove: readonly string[]; replace: boolean }[],
    opts: { validateOnly?: boolean; timeoutMs?: number } = {},
  ): Promise<TopicsOutcome> {
    const res = await this.call<ControllerTopicsResponse__Output>('AlterConfigs', {
      topics: changes,
      validateOnly: opts.validateOnly ?? false,
      timeoutMs: opts.timeoutMs ?? 0,
    });
    return ControllerClient.topics(res);
  }

  async alterPartition(
    brokerId: number,
    brokerEpoch: number,
    items: readonly { topic: string; partition: number; leaderEpoch: number; partitionEpoch: number; newIsr: readonly number[] }[],
    timeoutMs = 0,
    /** Overall deadline and per-attempt timeout (see heartbeatTiming); default the client's. */
    timing: { deadlineMs?: number; rpcTimeoutMs?: number } = {},
  ): Promise<{ metadataOffset: number; results: AlterPartitionItemResult[] }> {
    const res = await this.call<{
      error: ControllerError__Output | null;
      controllerId: number;
      metadataOffset: string;
      partitions: { topic: string; partition: number; error: ControllerError__Output | null; leader: number; leaderEpoch: number; partitionEpoch: number; isr: number[] }[];
    }>('AlterPartition', { brokerId, brokerEpoch, partitions: items, timeoutMs }, timing);
    ControllerClient.throwIfError(res);
    return {
      metadataOffset: Number(res.metadataOffset),
      results: res.partitions.map((p) => {
        const error = fromWire(p.error, { topic: p.topic, partition: p.partition });
        if (error !== undefined) return { topic: p.topic, partition: p.partition, error };
        return {
          topic: p.topic,
          partition: p.partition,
          state: { leader: p.leader, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, isr: p.isr },
        };
      }),
    };
  }

  async allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<{ firstProducerId: bigint; size: number }> {
    const res = await this.call<{ error: ControllerError__Output | null; controllerId: number; firstProducerId: string; size: number }>(
      'AllocateProducerIds',
      { brokerId, brokerEpoch },
    );
    ControllerClient.throwIfError(res);
    return { firstProducerId: BigInt(res.firstProducerId), size: res.size };
  }

  /**
   * The quorum as the active controller sees it (voters' log end offsets and
   * last contact are only known to the Raft leader): DescribeQuorum with
   * `active_only`, following NOT_CONTROLLER hints like a write. Throws
   * NOT_CONTROLLER (retriable) when no active controller answers within
   * `deadlineMs`.
   */
  async describeActiveQuorum(opts: { deadlineMs?: number; rpcTimeoutMs?: number } = {}): Promise<QuorumDescription> {
    const res = await this.call<DescribeQuorumResponse__Output>('DescribeQuorum', { activeOnly: true }, opts);
    ControllerClient.throwIfError(res);
    return quorumDescription(res);
  }

  /** DescribeQuorum from one voter (any voter answers with its own view). */
  async describeQuorum(voterId: number, timeoutMs = this.rpcTimeoutMs): Promise<DescribeQuorumResponse__Output> {
    return this.invoke<DescribeQuorumResponse__Output>(voterId, 'DescribeQuorum', {}, timeoutMs);
  }

  /** FetchMetadata from one voter (committed entries are the same everywhere). */
  async fetchMetadata(voterId: number, fromOffset: number, maxBytes: number, timeoutMs = this.rpcTimeoutMs): Promise<FetchedMetadata> {
    const res = await this.invoke<FetchMetadataResponse__Output>(voterId, 'FetchMetadata', { fromOffset, maxBytes }, timeoutMs);
    ControllerClient.throwIfError(res, { nodeId: voterId });
    return {
      snapshot: res.snapshot.length > 0 ? { offset: Number(res.snapshotOffset), data: res.snapshot } : undefined,
      entries: res.entries.map((e) => ({ offset: Number(e.offset), data: e.data })),
      commitIndex: Number(res.commitIndex),
    };
  }

  close(): void {
    this.closed = true;
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
