import type { Gregor } from '@gregor/client';
import type { Logger } from '@gregor/common';
import { traceOf } from '../api/errors';
import type { ConnectorPlugin, Props } from '../api/connector';
import type { OffsetStore } from './offset-store';
import { Signal } from './signal';
import type { TaskState } from './status';
import type { WorkerSettings } from './worker-config';

export interface TaskDeps {
  readonly connector: string;
  readonly taskId: number;
  readonly plugin: ConnectorPlugin;
  readonly connectorProps: Props;
  readonly taskProps: Props;
  readonly worker: WorkerSettings;
  readonly client: Gregor;
  readonly offsets: OffsetStore;
  readonly logger: Logger;
  /** Called on every state change (the worker records status and schedules restarts). */
  readonly onState: (state: TaskState, error?: unknown) => void;
  /** A topic the task wrote or read (GET /connectors/{c}/topics). */
  readonly onTopic: (topic: string) => void;
}

/**
 * One task's life: initialize → iterate until stopped or failed → close. The
 * loop never runs two iterations at once, so a task's calls (poll, put, flush)
 * are never concurrent, as in Kafka's one thread per task. Pause is checked
 * between iterations; stop waits for the current iteration, bounded by
 * `task.shutdown.graceful.timeout.ms`, after which the task is abandoned
 * (its late results are dropped by the stopping flag).
 */
export abstract class TaskRunner {
  state: TaskState = 'UNASSIGNED';
  trace: string | undefined;
  protected stopping = false;
  protected paused = false;
  protected readonly wake = new Signal();
  private loop: Promise<void> | undefined;

  constructor(protected readonly deps: TaskDeps) {}

  get id(): number {
    return this.deps.taskId;
  }

  start(paused: boolean): void {
    this.paused = paused;
    this.loop = this.run();
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.onPausedChanged(paused);
    if (this.state === 'RUNNING' || this.state === 'PAUSED') this.setState(paused ? 'PAUSED' : 'RUNNING');
    this.wake.notify();
  }

  /** Stops the task; resolves when it has closed or the graceful timeout passed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.notify();
    if (this.loop === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.deps.worker.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([this.loop.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.deps.logger.warn('task did not stop in time; abandoned', { connector: this.deps.connector, task: this.id });
  }

  protected setState(state: TaskState, error?: unknown): void {
    this.state = state;
    this.trace = error === undefined ? undefined : traceOf(error);
    this.deps.onState(state, error);
  }

  private async run(): Promise<void> {
    let failed = false;
    try {
      await this.initialize();
      if (!this.stopping) this.setState(this.paused ? 'PAUSED' : 'RUNNING');
      while (!this.stopping) {
        if (this.paused && this.idlesWhilePaused()) {
          await this.wake.wait(1000);
          continue;
        }
        await this.iterate();
      }
    } catch (err) {
      failed = true;
      if (!this.stopping) {
        this.deps.logger.error('task failed', { connector: this.deps.connector, task: this.id, error: traceOf(err) });
        this.setState('FAILED', err);
      }
    }
    try {
      await this.close(!failed);
    } catch (err) {
      this.deps.logger.warn('task close failed', { connector: this.deps.connector, task: this.id, error: traceOf(err) });
    }
  }

  /** Whether the loop just waits while paused (sources) or keeps iterating (sinks keep their group membership alive). */
  protected idlesWhilePaused(): boolean {
    return true;
  }

  protected onPausedChanged(_paused: boolean): void {}
  protected abstract initialize(): Promise<void>;
  protected abstract iterate(): Promise<void>;
  /** Releases everything; `clean` is false after a failure (offsets of unfinished work are not committed). */
  protected abstract close(clean: boolean): Promise<void>;
}
