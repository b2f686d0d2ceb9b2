import type { Gregor } from '@gregor/client';
import { isGregorError, type ErrorName, type Logger } from '@gregor/common';
import type { ConnectorPlugin, Props, SinkConnector, SourceConnector } from '../api/connector';
import { traceOf } from '../api/errors';
import { findPlugin, invalidConfigMessage, validateConnectorConfig, type ConfigInfos } from './connector-config';
import { alterOffsets, parseOffsetsBody, readOffsets, resetOffsets, type ConnectorOffset } from './connector-offsets';
import { HerderError, notFound } from './herder-error';
import { canonicalJson, type OffsetStore } from './offset-store';
import { failuresAfter, restartDelayMs, type RestartHistory } from './restart-policy';
import { SinkTaskRunner } from './sink-task-runner';
import { SourceTaskRunner } from './source-task-runner';
import type { ConnectorState, ConnectorStatusInfo, TargetState, TaskState } from './status';
import type { TaskRunner } from './task-runner';
import type { WorkerSettings } from './worker-config';

/** A transactional producer's errors that mean another instance with the same transactional.id took over. */
const FENCED: ReadonlySet<ErrorName> = new Set<ErrorName>(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);

export interface ConnectorInfo {
  name: string;
  config: Props;
  tasks: { connector: string; task: number }[];
  type: 'source' | 'sink';
}

interface Entry {
  readonly name: string;
  props: Props;
  plugin: ConnectorPlugin;
  target: TargetState;
  instance: SourceConnector | SinkConnector | undefined;
  state: ConnectorState;
  trace: string | undefined;
  taskConfigs: Props[];
  readonly tasks: Map<number, TaskRunner>;
  /** Automatic restarts per task id; -1 is the connector itself. */
  readonly history: Map<number, RestartHistory>;
  readonly timers: Map<number, NodeJS.Timeout>;
  readonly activeTopics: Set<string>;
}

const CONNECTOR_SLOT = -1;

/**
 * Which connectors and tasks run in this process. Standalone: all of them.
 * Distributed: what the group leader assigned; task configs then go
 * through the config topic (`publishTaskConfigs`) and come back to every
 * worker by `applyTaskConfigs`.
 */
export interface Placement {
  ownsConnector(name: string): boolean;
  ownsTask(name: string, id: number): boolean;
  publishTaskConfigs?(name: string, configs: Props[]): Promise<void>;
}

const EVERYTHING: Placement = { ownsConnector: () => true, ownsTask: () => true };

/**
 * Runs connectors and their tasks in this process and answers what the REST
 * API asks (Kafka's Herder, standalone flavour). Every change goes through
 * one queue (`serialize`), so REST calls, automatic restarts and connector
 * reconfiguration requests never interleave on one connector.
 */
export class Worker {
  private readonly entries = new Map<string, Entry>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  workerId = 'unknown:0';

  constructor(
    readonly settings: WorkerSettings,
    private readonly client: Gregor,
    private readonly offsets: OffsetStore,
    readonly plugins: readonly ConnectorPlugin[],
    private readonly logger: Logger,
    private readonly placement: Placement = EVERYTHING,
  ) {}

  private serialize<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  connectorNames(): string[] {
    return [...this.entries.keys()].sort();
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (e === undefined) throw notFound(name);
    return e;
  }

  // ---- configs ---------------------------------------------------------------

  async validate(pluginName: string, props: Props): Promise<ConfigInfos> {
    const plugin = findPlugin(this.plugins, pluginName);
    if (plugin === undefined) throw new HerderError(400, this.unknownPluginMessage(pluginName));
    return (await validateConnectorConfig(plugin, props)).infos;
  }

  private unknownPluginMessage(name: string): string {
    return `Failed to find any class that implements Connector and which name matches ${name}, available connectors are: ${this.plugins.map((p) => p.className).join(', ')}`;
  }

  /** Creates or replaces a connector. `created` is false when it existed (PUT answers 200, not 201). */
  putConnector(name: string, props: Props, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.serialize(async () => {
      const { created } = await this.checkConnector(name, props, allowReplace);
      return { created, info: await this.install(name, props, findPlugin(this.plugins, props['connector.class']!)!) };
    });
  }

  /** Checks a config as putConnector does, without applying it (distributed mode writes it to the config topic). */
  async checkConnector(name: string, props: Props, allowReplace: boolean): Promise<{ created: boolean }> {
    const existing = this.entries.get(name);
    if (existing !== undefined && !allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
    const className = props['connector.class'];
    if (className === undefined || className.trim() === '') throw new HerderError(400, `Connector config ${canonicalJson(props)} contains no connector type`);
    const plugin = findPlugin(this.plugins, className);
    if (plugin === undefined) throw new HerderError(400, this.unknownPluginMessage(className));
    const { infos } = await validateConnectorConfig(plugin, { ...props, name });
    if (infos.error_count > 0) throw new HerderError(400, invalidConfigMessage(infos, infos.name));
    return { created: existing === undefined };
  }

  /** Distributed mode: a connector config read from the config topic (validated before it was written). */
  applyConnectorConfig(name: string, props: Props): Promise<void> {
    return this.serialize(async () => {
      const plugin = findPlugin(this.plugins, props['connector.class'] ?? '');
      if (plugin === undefined) {
        this.logger.error('config topic holds a connector whose class this worker does not have', { connector: name, class: props['connector.class'] });
        return;
      }
      const existing = this.entries.get(name);
      if (existing !== undefined && canonicalJson(existing.props) === canonicalJson({ ...props, name })) return;
      await this.install(name, props, plugin);
    });
  }

  /** Distributed mode: task configs committed to the config topic; restarts the tasks placed here. */
  applyTaskConfigs(name: string, configs: Props[]): Promise<void> {
    return this.serialize(async () => {
      const e = this.entries.get(name);
      if (e === undefined || canonicalJson(configs) === canonicalJson(e.taskConfigs)) return;
      await this.stopTasks(e);
      e.taskConfigs = configs;
      this.startPlacedTasks(e);
    });
  }

  /** Distributed mode: after a rebalance, stops what moved away and starts what was placed here. */
  reassign(): Promise<void> {
    return this.serialize(async () => {
      for (const e of this.entries.values()) {
        if (!this.placement.ownsConnector(e.name) && e.instance !== undefined) await this.stopInstance(e);
        for (const [id, runner] of [...e.tasks]) {
          if (this.placement.ownsTask(e.name, id)) continue;
          e.tasks.delete(id);
          this.clearTimer(e, id);
          await runner.stop();
        }
        if (this.placement.ownsConnector(e.name) && e.instance === undefined) await this.startConnector(e);
        else this.startPlacedTasks(e);
      }
    });
  }

  /** Distributed mode (eager rebalance): everything stops before this worker rejoins. */
  stopAll(): Promise<void> {
    return this.serialize(async () => {
      for (const e of this.entries.values()) {
        await this.stopTasks(e);
        await this.stopInstance(e);
      }
    });
  }

  /** Whether this worker runs the connector's instance or any of its tasks (what its status view is right about). */
  placed(name: string): { connector: boolean; tasks: number[] } {
    const e = this.entries.get(name);
    return { connector: e?.instance !== undefined, tasks: e === undefined ? [] : [...e.tasks.keys()] };
  }

  private async install(name: string, props: Props, plugin: ConnectorPlugin): Promise<ConnectorInfo> {
    {
      const existing = this.entries.get(name);
      if (existing !== undefined) await this.shutdownEntry(existing);
      const entry: Entry = {
        name,
        props: { ...props, name },
        plugin,
        target: existing?.target ?? 'STARTED',
        instance: undefined,
        state: 'UNASSIGNED',
        trace: undefined,
        // Distributed: task configs stay until the connector's owner publishes new ones.
        taskConfigs: this.placement.publishTaskConfigs !== undefined ? (existing?.taskConfigs ?? []) : [],
        tasks: new Map(),
        history: new Map(),
        timers: new Map(),
        activeTopics: new Set(),
      };
      this.entries.set(name, entry);
      this.logger.info(existing === undefined ? 'connector created' : 'connector reconfigured', { connector: name, class: plugin.className });
      await this.startConnector(entry);
      return this.infoOf(entry);
    }
  }

  async patchConnector(name: string, patch: Readonly<Record<string, string | null>>): Promise<{ created: boolean; info: ConnectorInfo }> {
    const current = this.entry(name).props;
    const merged: Record<string, string> = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    return this.putConnector(name, merged, true);
  }

  info(name: string): ConnectorInfo {
    return this.infoOf(this.entry(name));
  }

  private infoOf(e: Entry): ConnectorInfo {
    return { name: e.name, config: e.props, tasks: e.taskConfigs.map((_, task) => ({ connector: e.name, task })), type: e.plugin.type };
  }

  taskConfigs(name: string): { id: { connector: string; task: number }; config: Props }[] {
    const e = this.entry(name);
    return e.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config }));
  }

  deleteConnector(name: string): Promise<void> {
    return this.serialize(async () => {
      const e = this.entries.get(name);
      if (e === undefined) {
        if (this.placement.publishTaskConfigs !== undefined) return; // distributed: already gone
        throw notFound(name);
      }
      await this.shutdownEntry(e);
      this.entries.delete(name);
      this.logger.info('connector deleted', { connector: name });
    });
  }

  // ---- status ----------------------------------------------------------------

  status(name: string): ConnectorStatusInfo {
    const e = this.entry(name);
    const worker_id = this.workerId;
    return {
      name,
      connector: { state: e.state, worker_id, ...(e.trace !== undefined ? { trace: e.trace } : {}) },
      tasks: [...e.tasks.values()]
        .sort((a, b) => a.id - b.id)
        .map((t) => ({ id: t.id, state: t.state, worker_id, ...(t.trace !== undefined ? { trace: t.trace } : {}) })),
      type: e.plugin.type,
    };
  }

  taskStatus(name: string, taskId: number): { id: number; state: TaskState; worker_id: string; trace?: string } {
    const t = this.entry(name).tasks.get(taskId);
    if (t === undefined) throw new HerderError(404, `No status found for task ${name}-${taskId}`);
    return { id: t.id, state: t.state, worker_id: this.workerId, ...(t.trace !== undefined ? { trace: t.trace } : {}) };
  }

  topics(name: string): string[] {
    return [...this.entry(name).activeTopics].sort();
  }

  resetTopics(name: string): void {
    this.entry(name).activeTopics.clear();
  }

  // ---- lifecycle -------------------------------------------------------------

  setTarget(name: string, target: TargetState): Promise<void> {
    return this.serialize(async () => {
      const e = this.entry(name);
      if (e.target === target) return;
      const before = e.target;
      e.target = target;
      this.logger.info('connector target state', { connector: name, from: before, to: target });
      if (target === 'STOPPED') {
        await this.stopTasks(e);
        await this.stopInstance(e);
        e.taskConfigs = [];
        e.state = 'STOPPED';
        e.trace = undefined;
      } else if (e.instance === undefined) {
        await this.startConnector(e);
      } else {
        if (e.state !== 'FAILED') e.state = target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
        for (const t of e.tasks.values()) t.setPaused(target === 'PAUSED');
      }
    });
  }

  /** Kafka's restart: without flags only the connector (204); with them, the status as it will be (202). */
  restartConnector(name: string, opts: { includeTasks: boolean; onlyFailed: boolean }): Promise<ConnectorStatusInfo> {
    return this.serialize(async () => {
      const e = this.entry(name);
      const restartConnector = !opts.onlyFailed || e.state === 'FAILED';
      const tasks = opts.includeTasks ? [...e.tasks.values()].filter((t) => !opts.onlyFailed || t.state === 'FAILED').map((t) => t.id) : [];
      const planned = this.status(name);
      if (restartConnector) planned.connector.state = 'RESTARTING';
      for (const t of planned.tasks) if (tasks.includes(t.id)) t.state = 'RESTARTING';
      if (restartConnector) {
        e.history.delete(CONNECTOR_SLOT);
        await this.stopInstance(e);
        await this.startConnector(e);
      }
      for (const id of tasks) {
        e.history.delete(id);
        await this.restartTaskNow(e, id);
      }
      return planned;
    });
  }

  restartTask(name: string, taskId: number): Promise<void> {
    return this.serialize(async () => {
      const e = this.entry(name);
      if (!e.tasks.has(taskId)) throw new HerderError(404, `Task ${name}-${taskId} not found`);
      e.history.delete(taskId);
      await this.restartTaskNow(e, taskId);
    });
  }

  /** Starts the connector instance; its tasks are (re)started only when their configs changed. */
  private async startConnector(e: Entry): Promise<void> {
    this.clearTimer(e, CONNECTOR_SLOT);
    if (this.closed) return; // a rebalance or config record handled after close() must not start anything again
    if (e.target === 'STOPPED') {
      e.state = 'STOPPED';
      return;
    }
    if (!this.placement.ownsConnector(e.name)) {
      e.state = 'UNASSIGNED';
      this.startPlacedTasks(e);
      return;
    }
    const instance = e.plugin.create();
    try {
      await instance.start(e.props, {
        requestTaskReconfiguration: () => void this.serialize(() => this.reconfigureTasks(e)).catch((err: unknown) => this.connectorFailed(e, err)),
        raiseError: (err) => void this.serialize(() => this.connectorFailed(e, err)),
      });
      e.instance = instance;
      e.state = e.target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      e.trace = undefined;
      e.history.set(CONNECTOR_SLOT, { failures: e.history.get(CONNECTOR_SLOT)?.failures ?? 0, lastStartMs: Date.now() });
      await this.reconfigureTasks(e);
    } catch (err) {
      await this.connectorFailed(e, err);
    }
  }

  /** Asks the connector for task configs; restarts every task when they changed. */
  private async reconfigureTasks(e: Entry): Promise<void> {
    if (e.instance === undefined || this.entries.get(e.name) !== e) return;
    const maxTasks = Number(e.props['tasks.max'] ?? '1');
    const configs = e.instance.taskConfigs(maxTasks).slice(0, maxTasks);
    if (this.placement.publishTaskConfigs !== undefined) {
      if (canonicalJson(configs) !== canonicalJson(e.taskConfigs)) await this.placement.publishTaskConfigs(e.name, configs);
      else this.startPlacedTasks(e);
      return;
    }
    if (canonicalJson(configs) === canonicalJson(e.taskConfigs) && e.tasks.size === configs.length) return;
    await this.stopTasks(e);
    e.taskConfigs = configs;
    this.logger.info('starting tasks', { connector: e.name, tasks: configs.length });
    for (let id = 0; id < configs.length; id++) this.startTask(e, id);
  }

  private startPlacedTasks(e: Entry): void {
    if (e.target === 'STOPPED') return;
    for (let id = 0; id < e.taskConfigs.length; id++) if (this.placement.ownsTask(e.name, id) && !e.tasks.has(id)) this.startTask(e, id);
  }

  private startTask(e: Entry, id: number): void {
    this.clearTimer(e, id);
    if (this.closed) return; // see startConnector
    const deps = {
      connector: e.name,
      taskId: id,
      plugin: e.plugin,
      connectorProps: e.props,
      taskProps: e.taskConfigs[id]!,
      worker: this.settings,
      client: this.client,
      offsets: this.offsets,
      logger: this.logger,
      onState: (state: TaskState, error?: unknown) => this.onTaskState(e, runner, state, error),
      onTopic: (topic: string) => e.activeTopics.add(topic),
    };
    const runner: TaskRunner = e.plugin.type === 'source' ? new SourceTaskRunner(deps) : new SinkTaskRunner(deps);
    e.tasks.set(id, runner);
    const prev = e.history.get(id);
    e.history.set(id, { failures: prev?.failures ?? 0, lastStartMs: Date.now() });
    runner.start(e.target === 'PAUSED');
  }

  private onTaskState(e: Entry, runner: TaskRunner, state: TaskState, error: unknown): void {
    if (state !== 'FAILED' || e.tasks.get(runner.id) !== runner || this.closed) return;
    if (isGregorError(error) && FENCED.has(error.errorName)) {
      // Exactly-once source: a newer instance of this task runs elsewhere; restarting here would fence it in turn.
      this.logger.error('task fenced by a newer instance of itself; not restarted here (the group moves it)', { connector: e.name, task: runner.id, error: error.message });
      return;
    }
    this.scheduleRestart(e, runner.id, error, () => this.restartTaskNow(e, runner.id));
  }

  private async restartTaskNow(e: Entry, id: number): Promise<void> {
    if (this.entries.get(e.name) !== e || id >= e.taskConfigs.length) return;
    const old = e.tasks.get(id);
    e.tasks.delete(id);
    await old?.stop();
    this.startTask(e, id);
    this.logger.info('task restarted', { connector: e.name, task: id });
  }

  private async connectorFailed(e: Entry, err: unknown): Promise<void> {
    this.logger.error('connector failed', { connector: e.name, error: traceOf(err) });
    await this.stopInstance(e);
    e.state = 'FAILED';
    e.trace = traceOf(err);
    this.scheduleRestart(e, CONNECTOR_SLOT, err, () => this.startConnector(e));
  }

  /** Bounded automatic restart (restart-policy.ts): one timer per task, cleared on any manual change. */
  private scheduleRestart(e: Entry, slot: number, error: unknown, restart: () => Promise<void>): void {
    const now = Date.now();
    const failures = failuresAfter(e.history.get(slot), now, this.settings.restart);
    e.history.set(slot, { failures, lastStartMs: e.history.get(slot)?.lastStartMs ?? now });
    const delay = restartDelayMs(failures, this.settings.restart);
    const what = slot === CONNECTOR_SLOT ? 'connector' : `task ${slot}`;
    if (delay === undefined) {
      this.logger.error(`${what} stays FAILED: automatic restarts exhausted (restart it with the REST API)`, { connector: e.name, failures, error: traceOf(error) });
      return;
    }
    this.logger.warn(`${what} failed; restarting automatically`, { connector: e.name, attempt: failures, of: this.settings.restart.maxAttempts, delayMs: delay });
    this.clearTimer(e, slot);
    const timer = setTimeout(() => {
      e.timers.delete(slot);
      void this.serialize(async () => {
        if (this.entries.get(e.name) !== e || this.closed) return;
        await restart();
      }).catch((err: unknown) => this.logger.error('automatic restart failed', { connector: e.name, error: traceOf(err) }));
    }, delay);
    e.timers.set(slot, timer);
  }

  private clearTimer(e: Entry, slot: number): void {
    const t = e.timers.get(slot);
    if (t !== undefined) clearTimeout(t);
    e.timers.delete(slot);
  }

  private async stopTasks(e: Entry): Promise<void> {
    const runners = [...e.tasks.values()];
    e.tasks.clear();
    for (const [slot] of e.timers) if (slot !== CONNECTOR_SLOT) this.clearTimer(e, slot);
    await Promise.all(runners.map((r) => r.stop()));
  }

  private async stopInstance(e: Entry): Promise<void> {
    const instance = e.instance;
    e.instance = undefined;
    this.clearTimer(e, CONNECTOR_SLOT);
    try {
      await instance?.stop();
    } catch (err) {
      this.logger.warn('connector stop failed', { connector: e.name, error: traceOf(err) });
    }
  }

  private async shutdownEntry(e: Entry): Promise<void> {
    for (const slot of [...e.timers.keys()]) this.clearTimer(e, slot);
    await this.stopTasks(e);
    await this.stopInstance(e);
  }

  // ---- offsets (KIP-875) -------------------------------------------------------

  async getOffsets(name: string): Promise<{ offsets: ConnectorOffset[] }> {
    const e = this.entry(name);
    return { offsets: await readOffsets(e.plugin.type, name, this.offsets, this.client.admin()) };
  }

  alterOffsets(name: string, body: unknown): Promise<void> {
    return this.serialize(async () => {
      const e = this.requireStopped(name, 'modified');
      await alterOffsets(e.plugin.type, name, parseOffsetsBody(e.plugin.type, body), this.offsets, this.client.admin());
    });
  }

  resetOffsets(name: string): Promise<void> {
    return this.serialize(async () => {
      const e = this.requireStopped(name, 'reset');
      await resetOffsets(e.plugin.type, name, this.offsets, this.client.admin());
    });
  }

  private requireStopped(name: string, verb: string): Entry {
    const e = this.entry(name);
    if (e.target !== 'STOPPED') {
      throw new HerderError(
        400,
        `Connectors must be in the STOPPED state before their offsets can be ${verb}. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
    return e;
  }

  async close(): Promise<void> {
    await this.serialize(async () => {
      this.closed = true;
      for (const e of this.entries.values()) await this.shutdownEntry(e);
    });
  }
}
