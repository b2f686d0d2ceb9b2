import { Client } from 'pg';
import type { Logger } from '@gregor/common';
import { ConfigDef, cfg, type ConfigValues } from '../../api/config-def';
import type { ConnectorPlugin, Props, SinkConnector, SinkRecord, SinkTask, SinkTaskContext } from '../../api/connector';
import type { Schema } from '../../api/schema';
import { PG_CONNECTION_KEYS, pgClientConfig, validateConnection } from './pg-connection';
import { PG_VERSION } from './pg-cdc-source';
import { planWrites, type RowWrite, type TablePlan } from './pg-sink-plan';
import { pgColumnType, quoteIdent, toPgParam } from './pg-values';

/** Rows per INSERT/DELETE statement (PostgreSQL allows 65535 parameters per statement). */
const ROWS_PER_STATEMENT = 500;
/** Records buffered by put() before flush() is asked for (bounds memory between commits). */
const MAX_BUFFERED_RECORDS = 50_000;

const CONFIG = new ConfigDef({
  ...PG_CONNECTION_KEYS,
  'table.name.format': { type: 'string', default: '${topic}', importance: 'MEDIUM', doc: 'Target table; ${topic} is the topic, ${table} its last dot-separated part. "schema.table" names a schema.' },
  'insert.mode': { type: 'string', default: 'upsert', oneOf: ['insert', 'upsert'], importance: 'HIGH', doc: 'upsert: INSERT … ON CONFLICT (pk) DO UPDATE (idempotent); insert: plain INSERT.' },
  'pk.fields': { type: 'list', default: [], importance: 'MEDIUM', doc: 'Primary key columns, from the record key (default: every field of a struct key).' },
  'delete.enabled': { type: 'boolean', default: true, importance: 'MEDIUM', doc: 'A tombstone or a delete event deletes the row by key.' },
  'truncate.enabled': { type: 'boolean', default: false, importance: 'MEDIUM', doc: "A truncate event (Debezium's op t) empties the target table (TRUNCATE); false ignores it (Debezium JDBC sink's key)." },
  'auto.create': { type: 'boolean', default: false, importance: 'MEDIUM', doc: 'CREATE TABLE IF NOT EXISTS from the value schema, keyed by pk.fields.' },
});

/**
 * Writes records into PostgreSQL tables by primary key (from the record key):
 * upsert, or delete on a tombstone / a Debezium delete event. put() only
 * buffers; flush() writes the buffer in ONE transaction (multi-row INSERT …
 * ON CONFLICT and DELETE … WHERE (pk) IN …) and the worker commits offsets
 * after it. A redelivery after a crash rewrites the same final state, so the
 * table ends up correct (idempotent) in upsert mode.
 */
export class PostgresSinkConnector implements SinkConnector {
  readonly type = 'sink' as const;
  private props: Props = {};

  version(): string {
    return PG_VERSION;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  validate(props: Props): Promise<Record<string, string[]>> {
    return validateConnection(CONFIG.parse(props));
  }

  start(props: Props): void {
    this.props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  createTask(): SinkTask {
    return new PostgresSinkTask();
  }
}

export class PostgresSinkTask implements SinkTask {
  private v!: ConfigValues;
  private client: Client | undefined;
  private logger!: Logger;
  private context!: SinkTaskContext;
  private buffer: SinkRecord[] = [];
  private readonly created = new Set<string>();

  version(): string {
    return PG_VERSION;
  }

  async start(props: Props, context: SinkTaskContext): Promise<void> {
    this.v = CONFIG.parse(props);
    this.logger = context.logger;
    this.context = context;
    this.client = new Client(pgClientConfig(this.v));
    await this.client.connect();
  }

  put(records: readonly SinkRecord[]): Promise<void> {
    this.buffer.push(...records);
    if (this.buffer.length >= MAX_BUFFERED_RECORDS) this.context.requestCommit();
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const plans = planWrites(this.buffer, { tableFor: (t) => this.tableFor(t), pkFields: cfg.list(this.v, 'pk.fields'), deleteEnabled: cfg.bool(this.v, 'delete.enabled'), truncateEnabled: cfg.bool(this.v, 'truncate.enabled') });
    const client = this.client!;
    await client.query('BEGIN');
    try {
      for (const plan of plans) await this.apply(plan);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    this.logger.debug('flushed', { records: this.buffer.length, tables: plans.map((p) => `${p.table}:${p.truncate ? 'truncated+' : ''}${p.writes.size}`) });
    this.buffer = [];
  }

  private tableFor(topic: string): string {
    const last = topic.slice(topic.lastIndexOf('.') + 1);
    return cfg.str(this.v, 'table.name.format').replace(/\$\{topic\}/g, topic).replace(/\$\{table\}/g, last);
  }

  private async apply(plan: TablePlan): Promise<void> {
    const table = plan.table.split('.').map(quoteIdent).join('.');
    const writes = [...plan.writes.values()];
    const upserts = writes.filter((w) => w.kind === 'upsert');
    const deletes = writes.filter((w) => w.kind === 'delete');
    if (cfg.bool(this.v, 'auto.create') && upserts.length > 0) await this.maybeCreate(plan.table, table, upserts[0]!);
    if (plan.truncate) await this.client!.query(`TRUNCATE ${table}`); // in the flush's transaction, before the writes that followed it
    for (let i = 0; i < deletes.length; i += ROWS_PER_STATEMENT) await this.deleteRows(table, deletes.slice(i, i + ROWS_PER_STATEMENT));
    for (let i = 0; i < upserts.length; i += ROWS_PER_STATEMENT) await this.upsertRows(table, upserts.slice(i, i + ROWS_PER_STATEMENT));
  }

  private async deleteRows(table: string, rows: readonly RowWrite[]): Promise<void> {
    const keys = Object.keys(rows[0]!.key);
    const params: unknown[] = [];
    const tuples = rows.map((w) => `(${keys.map((k) => `$${params.push(toPgParam(w.key[k]))}`).join(', ')})`);
    await this.client!.query(`DELETE FROM ${table} WHERE (${keys.map(quoteIdent).join(', ')}) IN (${tuples.join(', ')})`, params);
  }

  private async upsertRows(table: string, rows: readonly RowWrite[]): Promise<void> {
    const keys = Object.keys(rows[0]!.key);
    const columns = [...new Set([...keys, ...rows.flatMap((w) => Object.keys(w.row!))])];
    const params: unknown[] = [];
    const tuples = rows.map((w) => `(${columns.map((c) => `$${params.push(toPgParam(c in w.row! ? w.row![c] : w.key[c]))}`).join(', ')})`);
    const others = columns.filter((c) => !keys.includes(c));
    const conflict =
      cfg.str(this.v, 'insert.mode') === 'insert'
        ? ''
        : ` ON CONFLICT (${keys.map(quoteIdent).join(', ')}) DO ${others.length === 0 ? 'NOTHING' : `UPDATE SET ${others.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`}`;
    await this.client!.query(`INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}${conflict}`, params);
  }

  private async maybeCreate(name: string, table: string, sample: RowWrite): Promise<void> {
    if (this.created.has(name)) return;
    const schema: Schema | null = sample.schema;
    if (schema?.fields === undefined) throw new Error(`auto.create needs a value schema for ${name} (use a converter with schemas)`);
    const keys = Object.keys(sample.key);
    const cols = schema.fields.map((f) => `${quoteIdent(f.field)} ${pgColumnType(f)}${keys.includes(f.field) ? ' NOT NULL' : ''}`);
    await this.client!.query(`CREATE TABLE IF NOT EXISTS ${table} (${cols.join(', ')}, PRIMARY KEY (${keys.map(quoteIdent).join(', ')}))`);
    this.created.add(name);
    this.logger.info('table created (auto.create)', { table: name });
  }

  async stop(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}

export const PG_SINK: ConnectorPlugin = {
  className: 'gregor.connect.postgres.PostgresSinkConnector',
  type: 'sink',
  version: PG_VERSION,
  create: () => new PostgresSinkConnector(),
};
