import { createClient, type Gregor, type IsolationLevel, type Producer, type ProtocolGroupMember } from '@gregor/client';
import { backoffMs, createLogger, isGregorError, pollUntil, sleep, withRetry, type Logger } from '@gregor/common';
import type { ConnectorPlugin, JsonMap, Props } from '../api/connector';
import { BUILTIN_CONNECTORS } from '../connectors';
import { RestServer } from '../rest/server';
import { connectRoutes, type Herder } from '../rest/routes';
import { assignRoundRobin, assignWithDelay, type ConnectAssignment, type DelayMemory, type IncrementalAssignment, type OwnedUnits } from './connect-assignment';
import { decodeAssignment, decodeMetadata, encodeAssignment, encodeMetadata, fromWire, toWire, type WorkerState } from './connect-protocol';
import { HerderError, notFound } from './herder-error';
import { configKeys, decodeConfigRecord, decodeStatus, encodeConnectorConfig, encodeSessionKey, encodeStatus, encodeTargetState, encodeTaskCommit, encodeTaskConfig } from './internal-records';
import { checkSignature, newSessionKey, sessionKeyDue, signatureHeaders, type SessionKey } from './session-key';
import { MemoryOffsetStore, offsetKey, type OffsetEntry, type OffsetStore } from './offset-store';
import type { ConnectorStatusInfo, StateInfo, TargetState } from './status';
import { Worker } from './worker';
import { parseDistributedConfig, type DistributedSettings } from './worker-config';

/** Longest wait of one long-poll on an internal topic (bounds how late a worker sees a change). */
const LOG_POLL_MS = 500;
/** How often a worker publishes the states of what it runs to the status topic (only changes are written). */
const STATUS_PUBLISH_MS = 1000;
/** An internal request the leader refused (its HTTP status), or could not be sent yet (409). */
class InternalRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'InternalRequestError';
  }
}

/** Bound on one internal request to the leader (task configs). */
const INTERNAL_REQUEST_TIMEOUT_MS = 30_000;

/**
 * One compacted internal topic read from the start into memory and then
 * followed (Kafka's KafkaBasedLog): every partition is read up to its high
 * watermark by `readToEnd`; records are handed to `apply` in offset order.
 */
class TopicLog {
  private readonly positions = new Map<number, bigint>();

  constructor(
    private readonly client: Gregor,
    readonly topic: string,
    partitions: number,
    private readonly isolationLevel: IsolationLevel,
    private readonly apply: (key: string, value: Buffer | null) => void,
  ) {
    for (let p = 0; p < partitions; p++) this.positions.set(p, 0n);
  }

  /** Total records read (the config offset workers report in JoinGroup). */
  get offset(): bigint {
    let n = 0n;
    for (const o of this.positions.values()) n += o;
    return n;
  }

  /**
   * Reads every partition up to its end. Passes run one at a time: two
   * concurrent ones would both read from the same positions and could
   * apply an older record after a newer one.
   */
  readToEnd(maxWaitMs = 0): Promise<void> {
    const pass = this.reading.then(() => this.readPass(maxWaitMs));
    this.reading = pass.catch(() => undefined);
    return pass;
  }

  private reading: Promise<void> = Promise.resolve();

  private async readPass(maxWaitMs: number): Promise<void> {
    await Promise.all(
      [...this.positions.keys()].map(async (partition) => {
        for (;;) {
          const res = await this.client.read({ topic: this.topic, partition, from: this.positions.get(partition)!, maxRecords: 1000, maxWaitMs, isolationLevel: this.isolationLevel });
          for (const r of res.records) this.apply(r.key?.toString('utf8') ?? '', r.value);
          this.positions.set(partition, res.nextOffset);
          // read_committed ends at the last stable offset: an open transaction's records are not ours to apply yet.
          if (res.nextOffset >= (this.isolationLevel === 'read_committed' ? res.lastStableOffset : res.highWatermark)) return;
        }
      }),
    );
  }
}

/** Source offsets in `offset.storage.topic` (keys `["connector",{partition}]`, as Kafka's), mirrored in memory. */
export class TopicOffsetStore extends MemoryOffsetStore {
  readonly log: TopicLog;
  readonly transactional: NonNullable<OffsetStore['transactional']>;

  constructor(
    client: Gregor,
    private readonly producer: Producer,
    topic: string,
    partitions: number,
    isolationLevel: IsolationLevel,
  ) {
    super();
    this.log = new TopicLog(client, topic, partitions, isolationLevel, (key, value) => {
      const [connector, partition] = JSON.parse(key) as [string, JsonMap];
      this.apply(connector, [{ partition, offset: value === null ? null : (JSON.parse(value.toString('utf8')) as JsonMap) }]);
    });
    this.transactional = {
      records: (connector, entries) => ({ topic, messages: entries.map((e) => ({ key: offsetKey(connector, e.partition), value: e.offset === null ? null : JSON.stringify(e.offset) })) }),
      committed: (connector, entries) => this.apply(connector, entries),
      catchUp: () => this.log.readToEnd(),
    };
  }

  override async set(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    await this.producer.send(this.transactional.records(connector, entries));
    this.apply(connector, entries);
  }
}

/** What the config topic says (Kafka's ClusterConfigState): connector configs, committed task configs, target states. */
class ConfigState {
  readonly connectors = new Map<string, Props>();
  readonly tasks = new Map<string, Props[]>();
  readonly targets = new Map<string, TargetState>();
  /** The latest session key (connect.protocol=sessioned). */
  sessionKey: SessionKey | undefined;
  private readonly pendingTasks = new Map<string, Props>();

  /** `placementChanged`: what the leader assigns changed (a connector, its tasks, or a move to or from STOPPED, which has no tasks). */
  constructor(
    private readonly onChange: (kind: 'connector' | 'tasks' | 'target' | 'deleted', name: string, placementChanged: boolean) => void,
    private readonly logger: Logger,
  ) {}

  apply(key: string, value: Buffer | null): void {
    const r = decodeConfigRecord(key, value);
    switch (r.kind) {
      case 'connector':
        if (r.props === null) {
          this.connectors.delete(r.name);
          this.tasks.delete(r.name);
          this.targets.delete(r.name);
          this.onChange('deleted', r.name, true);
        } else {
          this.connectors.set(r.name, r.props);
          this.onChange('connector', r.name, true);
        }
        return;
      case 'task':
        this.pendingTasks.set(`${r.name}\u0000${r.task}`, r.props);
        return;
      case 'commit': {
        const configs: Props[] = [];
        for (let i = 0; i < r.tasks; i++) configs.push(this.pendingTasks.get(`${r.name}\u0000${i}`) ?? {});
        this.tasks.set(r.name, configs);
        this.onChange('tasks', r.name, true);
        return;
      }
      case 'target': {
        if (r.state === null) {
          this.targets.delete(r.name); // written with the connector's deletion
          return;
        }
        const before = this.targets.get(r.name) ?? 'STARTED';
        this.targets.set(r.name, r.state);
        this.onChange('target', r.name, before !== r.state && (before === 'STOPPED' || r.state === 'STOPPED'));
        return;
      }
      case 'session-key':
        this.sessionKey = r.key;
        return;
      case 'invalid':
        this.logger.error('skipping a config topic record that is not in Kafka Connect\'s format', { key, reason: r.reason });
        return;
      case 'other':
        return;
    }
  }
}

export interface DistributedWorker {
  readonly worker: Worker;
  readonly settings: DistributedSettings;
  readonly url: string;
  /** Settles when the worker cannot stay in its group (a fatal group error); the process should stop. */
  readonly failed: Promise<Error>;
  close(): Promise<void>;
}

/**
 * Distributed mode: workers sharing a `group.id` form one group (protocol
 * type `connect`) through Gregor's group coordinator; the leader places
 * connectors and tasks over them (incremental cooperative by default, or
 * eager round robin: connect-assignment.ts). Connector configs, task configs
 * and target states live in the config topic, source offsets in the offset
 * topic, states in the status topic; every worker reads all three, so any
 * worker answers any GET; writes are forwarded to the leader, which puts
 * them in the config topic (one partition: one order) for every worker to
 * apply.
 */
export async function startDistributed(opts: { workerProps: Props; plugins?: readonly ConnectorPlugin[]; logger?: Logger }): Promise<DistributedWorker> {
  const settings = parseDistributedConfig(opts.workerProps);
  const logger = opts.logger ?? createLogger({ level: settings.logLevel, component: 'connect' });
  const client = createClient({ bootstrap: settings.bootstrap, logger, metadataMaxAgeMs: settings.metadataMaxAgeMs });
  const producer = client.producer({ acks: 'all', lingerMs: 0 });
  let assignment: ConnectAssignment = { leader: '', leaderUrl: '', connectors: [], tasks: [] };
  let member: ProtocolGroupMember | undefined;
  let closed = false;
  const wake = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...wake]) w();
  };

  try {
    await createInternalTopics(client, settings, logger);
  } catch (err) {
    await client.close();
    throw err;
  }
  // Exactly-once source: offsets are written in the tasks' transactions, so only committed ones count.
  const offsets = new TopicOffsetStore(client, producer, settings.offsetTopic.name, settings.offsetTopic.partitions, settings.exactlyOnceSource !== undefined ? 'read_committed' : 'read_uncommitted');

  /** Records for the config topic, in Kafka Connect's format (internal-records.ts), sent in order in one request. */
  const writeConfig = async (...messages: { key: string; value: string | null }[]): Promise<void> => {
    await producer.send({ topic: settings.configTopic.name, messages });
  };
  const worker = new Worker(settings, client, offsets, opts.plugins ?? BUILTIN_CONNECTORS, logger, {
    ownsConnector: (name) => assignment.connectors.includes(name),
    ownsTask: (name, id) => assignment.tasks.some((t) => t.connector === name && t.task === id),
    // sessioned: only the leader writes task configs; the others hand them over in a signed internal request.
    publishTaskConfigs: (name, configs) => (sessioned && !isLeader() ? sendTaskConfigsToLeader(name, configs) : writeTaskConfigs(name, configs)),
  });
  const writeTaskConfigs = async (name: string, configs: readonly Props[]): Promise<void> => {
    // Exactly-once source (KIP-618's zombie fencing): producers of the previous task configs may still run on a
    // worker cut off from the group; bumping their transactional epochs first means none of them commits again.
    const eos = settings.exactlyOnceSource;
    const previous = config.tasks.get(name)?.length ?? 0;
    if (eos !== undefined && previous > 0 && worker.info(name).type === 'source') await fenceTaskProducers(client, eos.transactionalIdPrefix, name, previous, logger);
    logger.info('publishing task configs to the config topic', { connector: name, tasks: configs.length });
    // The commit only after every task config is stored (Kafka's order): a reader applies a commit's configs at once.
    await writeConfig(...configs.map((c, i) => ({ key: configKeys.task(name, i), value: encodeTaskConfig(c) })));
    await writeConfig({ key: configKeys.commit(name), value: encodeTaskCommit(configs.length) });
  };
  /**
   * Kafka's internal request POST /connectors/{c}/tasks to the leader, signed
   * with the session key (KIP-507). Retried with backoff, bounded: in a
   * rebalance the leader may be unknown or moving (409), and a new worker may
   * not have read the session key yet.
   */
  const sendTaskConfigsToLeader = (name: string, configs: readonly Props[]): Promise<void> =>
    withRetry(
      async () => {
        const key = config.sessionKey;
        if (key === undefined) throw new InternalRequestError(409, 'no session key read from the config topic yet');
        if (isLeader()) return writeTaskConfigs(name, configs); // became the leader meanwhile
        if (assignment.leaderUrl === '') throw new InternalRequestError(409, 'no known leader');
        const body = Buffer.from(JSON.stringify(configs));
        const res = await fetch(`${assignment.leaderUrl}/connectors/${encodeURIComponent(name)}/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signatureHeaders(key, settings.interWorker.signatureAlgorithm, body) },
          body,
          signal: AbortSignal.timeout(INTERNAL_REQUEST_TIMEOUT_MS),
        });
        if (res.status >= 300) throw new InternalRequestError(res.status, `the leader answered ${res.status} to the task configs of ${name}: ${await res.text()}`);
        logger.info('task configs handed to the leader (signed internal request)', { connector: name, tasks: configs.length, leader: assignment.leaderUrl });
      },
      {
        retries: 8,
        initialBackoffMs: 250,
        maxBackoffMs: 5000,
        // 403: the key rotated between signing and checking, or this worker has not read the new one yet.
        isRetriable: (err) => !closed && (!(err instanceof InternalRequestError) || err.status === 409 || err.status === 403 || err.status >= 500),
        onRetry: (err, attempt) => void logger.warn('handing task configs to the leader failed; retrying', { connector: name, attempt, error: String(err) }),
      },
    );

  const config = new ConfigState((kind, name, placementChanged) => {
    const apply =
      kind === 'deleted'
        ? worker.deleteConnector(name)
        : kind === 'connector'
          ? worker.applyConnectorConfig(name, config.connectors.get(name)!)
          : kind === 'tasks'
            ? worker.applyTaskConfigs(name, config.tasks.get(name)!)
            : worker.connectorNames().includes(name)
              ? worker.setTarget(name, config.targets.get(name)!)
              : Promise.resolve();
    apply.catch((err: unknown) => logger.error('applying the config topic failed', { connector: name, error: String(err) }));
    // A new or deleted connector, or a new set of tasks, has to be placed: ask the leader to assign again.
    if (placementChanged) member?.requestRejoin(`config topic: ${kind} ${name}`);
  }, logger);
  const sessioned = settings.connectProtocol === 'sessioned';
  const isLeader = (): boolean => member !== undefined && assignment.leader !== '' && assignment.leader === member.memberId;
  let writingSessionKey = false;
  /** The leader writes a new session key when there is none or it expired (KIP-507); every worker reads it from the config topic. */
  const maybeRotateSessionKey = async (): Promise<void> => {
    if (!sessioned || !isLeader() || writingSessionKey || !sessionKeyDue(config.sessionKey, settings.interWorker.keyTtlMs, Date.now())) return;
    writingSessionKey = true;
    try {
      await writeConfig({ key: configKeys.sessionKey, value: encodeSessionKey(newSessionKey(settings.interWorker, Date.now())) });
      await configLog.readToEnd();
      logger.info('wrote a new session key to the config topic (connect.protocol=sessioned)', { algorithm: settings.interWorker.keyAlgorithm, ttlMs: settings.interWorker.keyTtlMs });
    } finally {
      writingSessionKey = false;
    }
  };
  const configLog = new TopicLog(client, settings.configTopic.name, 1, 'read_uncommitted', (k, v) => config.apply(k, v));

  const statuses = new Map<string, StateInfo>();
  const statusLog = new TopicLog(client, settings.statusTopic.name, settings.statusTopic.partitions, 'read_uncommitted', (key, value) => {
    const info = decodeStatus(key, value);
    if (info === undefined) return;
    if (info === null) statuses.delete(key);
    else if (typeof info === 'string') logger.error("skipping a status topic record that is not in Kafka Connect's format", { key, reason: info });
    else statuses.set(key, info);
  });
  /** The states this worker last wrote (JSON of the StateInfo, to write only changes), and the generation to write them with. */
  const published = new Map<string, string>();
  let generation = -1;
  const sendStatuses = async (entries: readonly (readonly [string, StateInfo])[]): Promise<void> => {
    if (entries.length === 0) return;
    await producer.send({ topic: settings.statusTopic.name, messages: entries.map(([key, info]) => ({ key, value: encodeStatus(info, generation) })) });
    for (const [key, info] of entries) published.set(key, JSON.stringify(info));
  };
  const publishStatuses = async (): Promise<void> => {
    const out: [string, StateInfo][] = [];
    for (const name of worker.connectorNames()) {
      const placed = worker.placed(name);
      const local = worker.status(name);
      const mine: [string, StateInfo][] = [];
      if (assignment.connectors.includes(name)) mine.push([`status-connector-${name}`, local.connector]);
      for (const t of local.tasks) if (placed.tasks.includes(t.id)) mine.push([`status-task-${name}-${t.id}`, { state: t.state, worker_id: t.worker_id, ...(t.trace !== undefined ? { trace: t.trace } : {}) }]);
      for (const entry of mine) if (published.get(entry[0]) !== JSON.stringify(entry[1])) out.push(entry);
    }
    await sendStatuses(out);
  };

  /**
   * What this worker reported as its own and no longer runs (eager: all of
   * it, before rejoining; cooperative: what it gave up, after the
   * rebalance) is marked UNASSIGNED, so no status shows a connector or task
   * running where it stopped; its next owner writes after this (the same
   * key, so the same partition, later).
   */
  const runsHere = (key: string): boolean =>
    assignment.connectors.some((c) => key === `status-connector-${c}`) || assignment.tasks.some((t) => key === `status-task-${t.connector}-${t.task}`);
  const publishUnassigned = async (keep: (key: string) => boolean): Promise<void> => {
    const unassigned: StateInfo = { state: 'UNASSIGNED', worker_id: worker.workerId };
    await sendStatuses([...published].filter(([key, json]) => !keep(key) && (JSON.parse(json) as StateInfo).state !== 'UNASSIGNED').map(([key]) => [key, unassigned] as const));
  };

  await configLog.readToEnd();
  await offsets.log.readToEnd();
  await statusLog.readToEnd();

  const herder = new DistributedHerder(worker, config, statuses, writeConfig, () => assignment, {
    putTaskConfigs: async (name, configs, req) => {
      if (sessioned) {
        const bad = checkSignature(req.headers, req.rawBody, config.sessionKey, settings.interWorker.verificationAlgorithms);
        if (bad !== undefined) throw new HerderError(bad.status, bad.message);
      }
      if (!isLeader()) throw new HerderError(409, `Only the leader may write task configurations. Leader: ${assignment.leaderUrl}`);
      if (!config.connectors.has(name)) throw notFound(name);
      await writeTaskConfigs(name, configs);
    },
  });
  let clusterId = '';
  const rest = new RestServer(connectRoutes(herder, () => clusterId), logger, (method, path) => forwardTarget(method, path, assignment, member?.memberId ?? '', statuses, worker.workerId));
  const address = await rest.listen(settings.listener.host, settings.listener.port);
  worker.workerId = `${settings.advertisedHost}:${address.port}`;
  const url = `http://${settings.advertisedHost}:${address.port}`;
  clusterId = (await client.admin().describeCluster()).clusterId;
  logger.info('REST API listening (distributed)', { url, group: settings.groupId });

  member = client.groupMember({
    groupId: settings.groupId,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    rebalanceTimeoutMs: settings.rebalanceTimeoutMs,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    onRejoinNeeded: notify,
  });
  const abort = new AbortController();
  const eager = settings.connectProtocol === 'eager';
  const version = eager ? 0 : sessioned ? 2 : 1; // Kafka's ConnectProtocol v0 (eager) or IncrementalCooperativeConnectProtocol v1/v2
  const owned = (): OwnedUnits => ({ connectors: assignment.connectors, tasks: assignment.tasks });
  const protocol = {
    protocolType: 'connect',
    // Kafka's protocol names: `default` is eager, `compatible` incremental cooperative, `sessioned` the same with KIP-507.
    protocols: () => [{ name: eager ? 'default' : sessioned ? 'sessioned' : 'compatible', metadata: encodeMetadata(version, { url, configOffset: configLog.offset, owned: owned() }) }],
    assign: async (_name: string, members: { memberId: string; metadata: Buffer }[], generation: number): Promise<Map<string, Buffer>> => {
      await configLog.readToEnd(); // the leader assigns from the whole config topic
      const placed = [...config.connectors.keys()].map((name) => ({ name, tasks: config.targets.get(name) === 'STOPPED' ? 0 : (config.tasks.get(name)?.length ?? 0) }));
      const me = member!.memberId;
      const metas = members.map((m) => ({ memberId: m.memberId, ...memberState(m.memberId, m.metadata) }));
      let result: Map<string, ConnectAssignment & { delay?: number }>;
      if (eager) result = assignRoundRobin(metas, placed, me);
      else {
        const next = assignWithDelay(metas, placed, me, generation, Date.now(), settings.scheduledRebalanceMaxDelayMs, leaderMemory);
        if (next.memory.deadline !== undefined && leaderMemory?.deadline === undefined) {
          logger.info("holding a departed worker's connectors and tasks for it to come back (scheduled.rebalance.max.delay.ms)", { generation, delayMs: next.memory.deadline - Date.now() });
        }
        pendingMemory = next.memory; // kept once this generation's SyncGroup succeeded (Kafka: the last completed generation)
        result = next.assignments;
      }
      logger.info('assigned connectors and tasks as group leader', { generation, workers: members.length, connectors: placed.length, tasks: placed.reduce((n, c) => n + c.tasks, 0) });
      const ownedBy = new Map(metas.map((m) => [m.memberId, m.owned]));
      return new Map([...result].map(([id, a]) => [id, encodeAssignment(toWire(version, a, ownedBy.get(id)!, configLog.offset))]));
    },
  };
  /** A member's metadata; unreadable bytes (not a Connect worker of a known version) count as a worker running nothing. */
  const memberState = (memberId: string, metadata: Buffer): WorkerState => {
    try {
      return decodeMetadata(metadata);
    } catch (err) {
      logger.error('unreadable connect protocol metadata from a group member; it gets work but its URL is unknown', { memberId, error: (err as Error).message });
      return { url: '', configOffset: -1n, owned: { connectors: [], tasks: [] } };
    }
  };

  let leaderMemory: DelayMemory | undefined; // what this worker placed when it last led (the scheduled rebalance delay)
  let pendingMemory: DelayMemory | undefined;
  let delayedRejoin: NodeJS.Timeout | undefined;
  let joinedOnce: () => void = () => undefined;
  const firstJoin = new Promise<void>((resolve) => (joinedOnce = resolve));
  const groupLoop = (async () => {
    for (let attempt = 0; !closed; ) {
      if (!member.rejoinNeeded) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            wake.delete(done);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(done, STATUS_PUBLISH_MS);
          wake.add(done);
        });
        await publishStatuses().catch((err: unknown) => logger.warn('publishing statuses failed', { error: String(err) }));
        await maybeRotateSessionKey().catch((err: unknown) => logger.warn('writing a new session key failed', { error: String(err) }));
        continue;
      }
      try {
        if (eager || member.lost) {
          // Eager: everything stops before every rejoin. Cooperative: only when
          // this worker was dropped from the group, as its work may run elsewhere by now.
          await worker.stopAll();
          assignment = { ...assignment, connectors: [], tasks: [] };
          await publishUnassigned(() => false);
        }
        const joined = await member.join(protocol, abort.signal);
        generation = joined.generationId;
        leaderMemory = pendingMemory?.generation === joined.generationId ? pendingMemory : undefined;
        pendingMemory = undefined;
        const wire = decodeAssignment(joined.assignment);
        if (wire.error !== 0) member.requestRejoin(`the leader answered error ${wire.error} (CONFIG_MISMATCH: it could not read the config topic far enough)`);
        assignment = fromWire(wire, owned());
        logger.info('joined the connect group', { generation: joined.generationId, leader: joined.leaderId === joined.memberId, connectors: assignment.connectors, tasks: assignment.tasks.map((t) => `${t.connector}-${t.task}`) });
        await configLog.readToEnd();
        await offsets.log.readToEnd(); // tasks moved here resume from the last offsets any worker stored
        await maybeRotateSessionKey(); // before connectors start: their task configs are signed with it
        await worker.reassign();
        if (!eager) await publishUnassigned(runsHere); // what moved away (revoked, deleted)
        if ('rejoin' in assignment && assignment.rejoin) member.requestRejoin('gave connectors or tasks up for the next generation to place');
        clearTimeout(delayedRejoin);
        const delay = (assignment as Partial<IncrementalAssignment>).delay ?? 0;
        if (delay > 0 && !closed) {
          logger.info("a departed worker's connectors and tasks are held; rebalancing when the delay ends", { delayMs: delay });
          delayedRejoin = setTimeout(() => member?.requestRejoin('scheduled rebalance delay ended'), delay);
        }
        joinedOnce();
        attempt = 0;
      } catch (err) {
        if (closed) break;
        if (isGregorError(err) && !err.retriable) {
          // E.g. INCONSISTENT_GROUP_PROTOCOL: group.id names a consumer group. Retrying cannot help.
          logger.error('cannot join the connect group', { group: settings.groupId, error: err.message });
          throw err;
        }
        logger.error('connect group rebalance failed; retrying', { error: String(err) });
        member.requestRejoin('rebalance failed');
        await sleep(backoffMs(Math.min(attempt++, 10), 100, 5000, Math.random));
      }
    }
  })();
  const followLoop = (async () => {
    while (!closed) {
      try {
        await Promise.all([configLog.readToEnd(LOG_POLL_MS), statusLog.readToEnd(LOG_POLL_MS)]);
      } catch (err) {
        if (!closed) logger.warn('reading the internal topics failed; retrying', { error: String(err) });
        if (!closed) await sleep(LOG_POLL_MS);
      }
    }
  })();

  const close = async (): Promise<void> => {
    closed = true;
    clearTimeout(delayedRejoin);
    abort.abort();
    notify();
    logger.info('stopping the worker: REST API, connectors and tasks, group membership, internal topics');
    await rest.close();
    await worker.close();
    logger.info('connectors and tasks stopped; leaving the group');
    await member?.close();
    await Promise.allSettled([groupLoop, followLoop]);
    await producer.close();
    await client.close();
    logger.info('worker stopped');
  };
  // Ready once in the group: before that, every write would be answered 409 (no leader).
  try {
    await Promise.race([firstJoin, groupLoop]);
  } catch (err) {
    await close();
    throw err;
  }
  const failed = groupLoop.then(
    () => new Promise<Error>(() => undefined), // closed: never fails
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  return { worker, settings, url, close, failed };
}

/**
 * Where a request is answered (Kafka's forwarding): GETs and validation here,
 * from this worker's copies; restarts on the worker running the connector or
 * task (from the status topic); every other write on the group leader, so
 * config writes are ordered by one worker. 409 while no leader is known.
 */
export function forwardTarget(
  method: string,
  path: string,
  assignment: ConnectAssignment,
  memberId: string,
  statuses: ReadonlyMap<string, StateInfo>,
  workerId: string,
): string | undefined {
  if (method === 'GET' || path.startsWith('/connector-plugins')) return undefined;
  const restart = /^\/connectors\/([^/]+)(?:\/tasks\/(\d+))?\/restart$/.exec(path);
  if (restart !== null) {
    const name = decodeURIComponent(restart[1]!);
    const owner = statuses.get(restart[2] === undefined ? `status-connector-${name}` : `status-task-${name}-${restart[2]}`)?.worker_id;
    return owner === undefined || owner === '' || owner === workerId ? undefined : `http://${owner}`;
  }
  if (assignment.leader === '') throw new HerderError(409, 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance is underway.');
  return assignment.leader === memberId ? undefined : assignment.leaderUrl;
}

/**
 * Fences the transactional producers of a source connector's tasks 0..count-1
 * (Kafka's Admin.fenceProducers): an InitProducerId for each id bumps its
 * epoch and aborts its open transaction, so an older instance fails on its
 * next send or commit.
 */
async function fenceTaskProducers(client: Gregor, prefix: string, connector: string, count: number, logger: Logger): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, task) => {
      const fencer = client.producer({ transactionalId: `${prefix}${connector}-${task}` });
      try {
        await fencer.initTransactions();
      } finally {
        await fencer.close();
      }
    }),
  );
  logger.info('fenced the producers of the previous task configs (exactly-once source)', { connector, tasks: count });
}

async function createInternalTopics(client: Gregor, s: DistributedSettings, logger: Logger): Promise<void> {
  const admin = client.admin();
  const existing = new Set(await admin.listTopics({ includeInternal: true }));
  const brokers = (await admin.describeCluster()).brokers.length;
  const want = [s.configTopic, s.offsetTopic, s.statusTopic].filter((t) => !existing.has(t.name));
  if (want.length === 0) return;
  const rf = (t: { replicationFactor: number }): number => (t.replicationFactor > 0 ? t.replicationFactor : Math.min(3, brokers));
  try {
    await admin.createTopics(want.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: rf(t), configs: { 'cleanup.policy': 'compact' } })));
    logger.info('created the internal topics', { topics: want.map((t) => t.name) });
  } catch (err) {
    if ((err as { errorName?: string }).errorName !== 'TOPIC_ALREADY_EXISTS') throw err;
  }
}

/**
 * The REST API's view in distributed mode: reads from this worker's copy of
 * the config and status topics, writes to the config topic. Restarts and
 * offset changes act on what runs here.
 */
class DistributedHerder implements Herder {
  constructor(
    private readonly worker: Worker,
    private readonly config: ConfigState,
    private readonly statuses: Map<string, StateInfo>,
    private readonly write: (...records: { key: string; value: string | null }[]) => Promise<void>,
    private readonly assignment: () => ConnectAssignment,
    private readonly internal: Required<Pick<Herder, 'putTaskConfigs'>>,
  ) {}

  putTaskConfigs(...args: Parameters<Required<Herder>['putTaskConfigs']>): Promise<void> {
    return this.internal.putTaskConfigs(...args);
  }

  get plugins(): readonly ConnectorPlugin[] {
    return this.worker.plugins;
  }

  connectorNames(): string[] {
    return this.worker.connectorNames();
  }

  validate(plugin: string, props: Props): ReturnType<Worker['validate']> {
    return this.worker.validate(plugin, props);
  }

  /** Waits (bounded) until this worker applied its own write, so the answer shows it. */
  private async applied(check: () => boolean): Promise<void> {
    await pollUntil(() => check(), { timeoutMs: 5000, intervalMs: 20, what: 'the config topic write to come back' }).catch(() => undefined);
  }

  async putConnector(name: string, props: Props, allowReplace: boolean): ReturnType<Worker['putConnector']> {
    const { created } = await this.worker.checkConnector(name, props, allowReplace);
    await this.write({ key: configKeys.connector(name), value: encodeConnectorConfig({ ...props, name }) });
    await this.applied(() => this.worker.connectorNames().includes(name));
    return { created, info: this.worker.info(name) };
  }

  async patchConnector(name: string, patch: Readonly<Record<string, string | null>>): ReturnType<Worker['patchConnector']> {
    const merged: Record<string, string> = { ...this.worker.info(name).config };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    return this.putConnector(name, merged, true);
  }

  info(name: string): ReturnType<Worker['info']> {
    return this.worker.info(name);
  }

  taskConfigs(name: string): ReturnType<Worker['taskConfigs']> {
    return this.worker.taskConfigs(name);
  }

  async deleteConnector(name: string): Promise<void> {
    if (!this.config.connectors.has(name)) throw notFound(name);
    // Kafka's removeConnectorConfig: both tombstones, so compaction leaves nothing of the connector.
    await this.write({ key: configKeys.connector(name), value: null }, { key: configKeys.targetState(name), value: null });
    await this.applied(() => !this.worker.connectorNames().includes(name));
  }

  async setTarget(name: string, target: TargetState): Promise<void> {
    if (!this.config.connectors.has(name)) throw notFound(name);
    await this.write({ key: configKeys.targetState(name), value: encodeTargetState(target) });
  }

  status(name: string): ConnectorStatusInfo {
    const info = this.worker.info(name);
    const unassigned: StateInfo = { state: 'UNASSIGNED', worker_id: '' };
    return {
      name,
      connector: this.statuses.get(`status-connector-${name}`) ?? unassigned,
      tasks: info.tasks.map(({ task }) => ({ id: task, ...(this.statuses.get(`status-task-${name}-${task}`) ?? unassigned) })),
      type: info.type,
    };
  }

  taskStatus(name: string, taskId: number): ReturnType<Worker['taskStatus']> {
    const t = this.status(name).tasks.find((x) => x.id === taskId);
    if (t === undefined) throw new HerderError(404, `No status found for task ${name}-${taskId}`);
    return t as ReturnType<Worker['taskStatus']>;
  }

  private requireHere(name: string, what: string): void {
    const a = this.assignment();
    if (!a.connectors.includes(name) && !a.tasks.some((t) => t.connector === name)) {
      throw new HerderError(409, `${what} of ${name} must be sent to the worker running it (not yet forwarded in distributed mode); leader: ${a.leaderUrl}`);
    }
  }

  restartConnector(name: string, o: { includeTasks: boolean; onlyFailed: boolean }): ReturnType<Worker['restartConnector']> {
    this.requireHere(name, 'A restart');
    return this.worker.restartConnector(name, o);
  }

  restartTask(name: string, taskId: number): Promise<void> {
    this.requireHere(name, 'A restart');
    return this.worker.restartTask(name, taskId);
  }

  topics(name: string): string[] {
    return this.worker.topics(name);
  }

  resetTopics(name: string): void {
    this.worker.resetTopics(name);
  }

  getOffsets(name: string): ReturnType<Worker['getOffsets']> {
    return this.worker.getOffsets(name);
  }

  alterOffsets(name: string, body: unknown): Promise<void> {
    return this.worker.alterOffsets(name, body);
  }

  resetOffsets(name: string): Promise<void> {
    return this.worker.resetOffsets(name);
  }
}
