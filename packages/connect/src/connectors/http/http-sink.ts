import { backoffMs } from '@gregor/common';
import { ConfigDef, cfg, type ConfigValues } from '../../api/config-def';
import { tpKey, type ConnectorPlugin, type Props, type SinkConnector, type SinkRecord, type SinkTask, type SinkTaskContext } from '../../api/connector';
import { ConnectError } from '../../api/errors';
import { JsonConverter } from '../../converters/json';

export const HTTP_SINK_VERSION = '1.0.0';

const CONFIG = new ConfigDef({
  'http.url': {
    type: 'string', importance: 'HIGH', doc: 'The URL each record (or batch) is sent to.',
    check: (v) => {
      try {
        const u = new URL(String(v));
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : `must be an http or https URL, got ${u.protocol}`;
      } catch {
        return 'must be an absolute URL';
      }
    },
  },
  'http.method': { type: 'string', default: 'POST', oneOf: ['POST', 'PUT'], importance: 'LOW', doc: 'The HTTP method.' },
  'http.headers': { type: 'list', default: [], importance: 'LOW', doc: 'Extra request headers, "Name: value" separated by commas.', check: (v) => ((v as string[]).every((h) => /^[^:\s]+:/.test(h)) ? undefined : 'each header must be "Name: value"') },
  'http.auth.header': { type: 'string', default: '', importance: 'MEDIUM', password: true, doc: 'Sent as the Authorization header (e.g. "Bearer <token>").' },
  'http.timeout.ms': { type: 'int', default: 10000, min: 1, importance: 'MEDIUM', doc: 'A request without an answer after this long counts as a failure.' },
  'batch.size': { type: 'int', default: 1, min: 1, max: 10000, importance: 'MEDIUM', doc: '1: one request per record; more: a JSON array of up to this many records of one partition per request.' },
  'body.format': { type: 'string', default: 'json', oneOf: ['json', 'envelope'], importance: 'MEDIUM', doc: 'json: the record value as JSON; envelope: {topic, partition, offset, timestamp, key, value, headers}.' },
  'retry.max.attempts': { type: 'int', default: 5, min: 1, max: 1000, importance: 'HIGH', doc: 'Attempts per record (or batch) before it goes to the dead-letter topic.' },
  'retry.backoff.initial.ms': { type: 'int', default: 100, min: 1, importance: 'MEDIUM', doc: 'First wait between attempts; doubles each attempt (with jitter).' },
  'retry.backoff.max.ms': { type: 'int', default: 10000, min: 1, importance: 'MEDIUM', doc: 'Longest wait between attempts.' },
});

/**
 * An HTTP push sink, as a Pub/Sub push subscription: each record (or batch)
 * is sent to `http.url`; a 2xx answer is the ack; anything else, a network
 * error or no answer within `http.timeout.ms` is retried with exponential
 * backoff and jitter, and after `retry.max.attempts` the record goes to the
 * dead-letter topic (`errors.deadletterqueue.topic.name`). Without one the
 * task fails (errors.tolerance=none) or the record is skipped (all).
 *
 * Order: partitions are delivered side by side, but within a partition a
 * record is sent only after the one before it was acked or dead-lettered.
 * put() returns once every record it got is settled, so flush() has nothing
 * left to do and offsets are committed only for settled records.
 */
export class HttpSinkConnector implements SinkConnector {
  readonly type = 'sink' as const;
  private props: Props = {};

  version(): string {
    return HTTP_SINK_VERSION;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  start(props: Props): void {
    this.props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  createTask(): SinkTask {
    return new HttpSinkTask();
  }
}

export class HttpSinkTask implements SinkTask {
  private v!: ConfigValues;
  private context!: SinkTaskContext;
  private headers: Record<string, string> = {};
  private tolerateAll = false;
  private readonly stopping = new AbortController();
  private readonly json = new JsonConverter();

  version(): string {
    return HTTP_SINK_VERSION;
  }

  start(props: Props, context: SinkTaskContext): void {
    this.v = CONFIG.parse(props);
    this.context = context;
    this.tolerateAll = props['errors.tolerance'] === 'all';
    this.json.configure({ 'schemas.enable': 'false' });
    this.headers = { 'Content-Type': 'application/json' };
    for (const h of cfg.list(this.v, 'http.headers')) {
      const i = h.indexOf(':');
      this.headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    const auth = cfg.optStr(this.v, 'http.auth.header');
    if (auth !== undefined) this.headers['Authorization'] = auth;
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const byPartition = new Map<string, SinkRecord[]>();
    for (const r of records) {
      const key = tpKey(r.topic, r.kafkaPartition);
      let list = byPartition.get(key);
      if (list === undefined) byPartition.set(key, (list = []));
      list.push(r);
    }
    await Promise.all([...byPartition.values()].map((list) => this.deliverInOrder(list)));
  }

  private async deliverInOrder(records: readonly SinkRecord[]): Promise<void> {
    const size = cfg.int(this.v, 'batch.size');
    for (let i = 0; i < records.length; i += size) {
      if (this.stopping.signal.aborted) throw new ConnectError('task stopping');
      const batch = records.slice(i, i + size);
      const error = await this.deliverWithRetry(batch);
      if (error !== undefined) await this.giveUp(batch, error);
    }
  }

  /** Tries up to retry.max.attempts times; returns the last error, or undefined once acked. */
  private async deliverWithRetry(batch: readonly SinkRecord[]): Promise<Error | undefined> {
    const attempts = cfg.int(this.v, 'retry.max.attempts');
    const body = this.body(batch);
    let last: Error | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await this.sleep(backoffMs(attempt - 1, cfg.int(this.v, 'retry.backoff.initial.ms'), cfg.int(this.v, 'retry.backoff.max.ms'), Math.random));
      if (this.stopping.signal.aborted) throw new ConnectError('task stopping');
      last = await this.send(batch, body);
      if (last === undefined) return undefined;
    }
    return last;
  }

  private async send(batch: readonly SinkRecord[], body: string): Promise<Error | undefined> {
    const first = batch[0]!;
    const headers: Record<string, string> = { ...this.headers, 'X-Gregor-Topic': first.topic, 'X-Gregor-Partition': String(first.kafkaPartition), 'X-Gregor-Offset': String(first.kafkaOffset) };
    try {
      const res = await fetch(cfg.str(this.v, 'http.url'), {
        method: cfg.str(this.v, 'http.method'),
        headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(cfg.int(this.v, 'http.timeout.ms')), this.stopping.signal]),
      });
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) return undefined;
      return new HttpDeliveryError(`HTTP ${res.status} from ${cfg.str(this.v, 'http.url')}: ${text.slice(0, 200)}`, res.status);
    } catch (err) {
      const e = err as Error;
      return new HttpDeliveryError(`${e.name === 'TimeoutError' ? `no answer within ${cfg.int(this.v, 'http.timeout.ms')} ms` : e.message} (${cfg.str(this.v, 'http.url')})`, undefined, err);
    }
  }

  private async giveUp(batch: readonly SinkRecord[], error: Error): Promise<void> {
    const reporter = this.context.errantRecordReporter;
    if (reporter !== undefined) {
      for (const r of batch) await reporter(r, error);
      return;
    }
    if (this.tolerateAll) return;
    throw new ConnectError(`delivery failed after ${cfg.int(this.v, 'retry.max.attempts')} attempts and no dead-letter topic is configured: ${error.message}`, { cause: error });
  }

  private body(batch: readonly SinkRecord[]): string {
    const one = (r: SinkRecord): string => {
      if (cfg.str(this.v, 'body.format') === 'json') return this.json.fromConnectData(r.topic, null, r.value)?.toString('utf8') ?? 'null';
      const envelope = {
        topic: r.topic,
        partition: r.kafkaPartition,
        offset: r.kafkaOffset,
        timestamp: r.timestamp ?? null,
        key: r.key ?? null,
        value: r.value ?? null,
        headers: Object.fromEntries((r.headers ?? []).map((h) => [h.key, h.value === null ? null : h.value.toString()])),
      };
      return this.json.fromConnectData(r.topic, null, envelope)!.toString('utf8');
    };
    return cfg.int(this.v, 'batch.size') === 1 ? one(batch[0]!) : `[${batch.map(one).join(',')}]`;
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.stopping.signal;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async flush(): Promise<void> {}

  stop(): void {
    this.stopping.abort();
  }
}

export class HttpDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HttpDeliveryError';
  }
}

export const HTTP_SINK: ConnectorPlugin = {
  className: 'gregor.connect.http.HttpSinkConnector',
  type: 'sink',
  version: HTTP_SINK_VERSION,
  create: () => new HttpSinkConnector(),
};
