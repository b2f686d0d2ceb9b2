import { Client } from 'pg';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import type { Logger } from '@gregor/common';
import { ConfigDef, cfg, type ConfigValues } from '../../api/config-def';
import type { ConnectorPlugin, JsonMap, Props, SourceConnector, SourceRecord, SourceTask, SourceTaskContext } from '../../api/connector';
import { ConnectError } from '../../api/errors';
import { Signal } from '../../runtime/signal';
import { changeRecords, type Change, type ChangeContext, type RawRow, type TableShape } from './cdc-envelope';
import { CdcResumeFilter, type ResumePoint } from './cdc-resume';
import { PG_CONNECTION_KEYS, pgClientConfig, validateConnection } from './pg-connection';
import { formatLsn, parseLsn, quoteIdent } from './pg-values';

export const PG_VERSION = '1.0.0';
/** Change events buffered between the replication stream and poll(); the stream is paused (back-pressure) beyond this. */
const MAX_QUEUED_EVENTS = 10_000;
const LAG_CHECK_INTERVAL_MS = 30_000;
const IDLE_POLL_WAIT_MS = 500;

const CONFIG = new ConfigDef({
  ...PG_CONNECTION_KEYS,
  'topic.prefix': { type: 'string', importance: 'HIGH', doc: 'Topics are <topic.prefix>.<schema>.<table>; also the logical server name in source.name.', check: (v) => (/^[a-zA-Z0-9._-]+$/.test(String(v)) ? undefined : 'may contain only letters, digits, ".", "_" and "-"') },
  'table.include.list': { type: 'list', default: [], importance: 'HIGH', doc: 'schema.table names to capture (default: every table of the publication).' },
  'slot.name': { type: 'string', default: '', importance: 'MEDIUM', doc: 'Replication slot (default gregor_<topic.prefix>, non-alphanumerics as _).' },
  'publication.name': { type: 'string', default: '', importance: 'MEDIUM', doc: 'Publication (default gregor_<topic.prefix>_pub); created when missing.' },
  'snapshot.mode': { type: 'string', default: 'initial', oneOf: ['initial', 'never'], importance: 'MEDIUM', doc: 'initial: read every row once, then stream changes; never: only changes.' },
  'snapshot.fetch.size': { type: 'int', default: 2000, min: 1, importance: 'LOW', doc: 'Rows per snapshot fetch (and at most per poll).' },
  'skipped.operations': {
    type: 'list', default: ['t'], importance: 'MEDIUM',
    doc: "Change kinds not emitted, Debezium's: c (insert), u (update), d (delete), t (truncate, skipped by default as Debezium's); none emits every kind.",
    check: (v) => {
      const bad = (v as string[]).filter((x) => !['c', 'u', 'd', 't', 'none'].includes(x));
      return bad.length === 0 ? undefined : `unknown operation ${bad.join(', ')} (expected c, u, d, t or none)`;
    },
  },
  'tombstones.on.delete': { type: 'boolean', default: true, importance: 'MEDIUM', doc: 'Follow each delete event with a tombstone (null value).' },
  'slot.lag.warn.bytes': { type: 'long', default: 1024 * 1024 * 1024, min: 1, importance: 'MEDIUM', doc: 'Warn when the slot holds back more WAL than this (a slot never acknowledged fills the disk).' },
});

/**
 * Change data capture from PostgreSQL through logical replication (pgoutput),
 * with Debezium's envelope. One task per database (a slot is one stream).
 *
 * First start: create the slot from a replication connection that exports its
 * snapshot, read every table inside that snapshot (op "r"), then stream from
 * the slot's consistent point — no change is missed or read twice between the
 * two. The stream's changes (c/u/d, tombstones) carry `{lsn}` = the commit LSN
 * of the last transaction fully handed out; the slot is acknowledged (so
 * PostgreSQL may free WAL) only in commit(), which the worker calls once every
 * record poll() returned is acknowledged by Gregor and its offset stored. A
 * restart streams from the stored LSN (PostgreSQL resumes at the later of that
 * and the slot's confirmed position) and skips what PostgreSQL resends but was
 * handed out before (cdc-resume.ts): nothing is lost or sent twice. A
 * snapshot interrupted by a crash is redone from a new slot.
 */
export class PostgresCdcSourceConnector implements SourceConnector {
  readonly type = 'source' as const;
  private props: Props = {};

  version(): string {
    return PG_VERSION;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  /**
   * The stream resumes exactly after the last change whose offset was
   * stored (the partly sent transaction is skipped up to it), so with
   * offsets committed together with the records nothing comes twice; an
   * interrupted snapshot is redone.
   */
  exactlyOnceSupport(): 'SUPPORTED' {
    return 'SUPPORTED';
  }

  /** The server must be reachable, have wal_level=logical, and the user may replicate. */
  validate(props: Props): Promise<Record<string, string[]>> {
    return validateConnection(CONFIG.parse(props), async (client) => {
      const problems: Record<string, string[]> = {};
      const wal = (await client.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level;
      if (wal !== 'logical') problems['database.hostname'] = [`The server has wal_level=${String(wal)}; change data capture needs wal_level=logical (postgresql.conf, then a restart)`];
      const role = await client.query<{ ok: boolean }>('SELECT rolreplication OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user');
      if (role.rows[0]?.ok !== true) problems['database.user'] = [`User ${String(props['database.user'] ?? 'postgres')} needs the REPLICATION attribute (ALTER ROLE … REPLICATION)`];
      return problems;
    });
  }

  start(props: Props): void {
    this.props = props;
  }

  taskConfigs(): Props[] {
    return [{ ...this.props }];
  }

  stop(): void {}

  createTask(): SourceTask {
    return new PostgresCdcSourceTask();
  }
}

type QueueItem = { kind: 'records'; records: SourceRecord[] } | { kind: 'commit'; lsn: string };

interface SnapshotState {
  readonly tables: TableShape[];
  index: number;
  cursorOpen: boolean;
  readonly lsn: string;
  /** Held back one record so the last one of the snapshot can say snapshot "last" and completed. */
  held: SourceRecord | undefined;
}

/** A parser that keeps PostgreSQL's text form (see pg-values.ts). */
const RAW_TYPES = { getTypeParser: () => (text: string) => text };

/** pgoutput decoding with every column kept as text: parsers are replaced as each relation arrives, before its rows are parsed. */
class TextPgoutputPlugin extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const msg = super.parse(buffer);
    if (msg.tag === 'relation') for (const c of msg.columns) c.parser = (raw: unknown) => raw;
    return msg;
  }
}

export class PostgresCdcSourceTask implements SourceTask {
  private v!: ConfigValues;
  /** skipped.operations: change kinds not emitted. */
  private skipped = new Set<string>();
  private logger!: Logger;
  private client: Client | undefined;
  private service: LogicalReplicationService | undefined;
  private snapshot: SnapshotState | undefined;
  private readonly queue: QueueItem[] = [];
  private readonly dataArrived = new Signal();
  private readonly spaceFreed = new Signal();
  private failure: Error | undefined;
  private stopped = false;
  private prefix = '';
  private slot = '';
  private publication = '';
  private partition: JsonMap = {};
  /** Commit LSN of the last transaction whose every record poll() has returned. */
  private completedLsn: string | undefined;
  private ackedLsn: string | undefined;
  private startLsn = '0/0';
  private txn: { xid: number; commitLsn: string } | undefined;
  private nextLagCheckMs = 0;
  /** poll() returned records (or consumed a commit marker) that commit() has not confirmed durable yet. */
  private polledSinceCommit = false;
  /** After a restart inside a transaction: its changes up to `lsnChange` were stored already (cdc-resume.ts). */
  private resumeInside: ResumePoint['inside'];
  /** Skips what the restarted stream resends but was handed out before (cdc-resume.ts). */
  private resume: CdcResumeFilter | undefined;

  version(): string {
    return PG_VERSION;
  }

  async start(props: Props, context: SourceTaskContext): Promise<void> {
    this.v = CONFIG.parse(props);
    this.skipped = new Set(cfg.list(this.v, 'skipped.operations'));
    this.logger = context.logger;
    this.prefix = cfg.str(this.v, 'topic.prefix');
    const safe = this.prefix.replace(/[^a-zA-Z0-9_]/g, '_').toLowerCase();
    this.slot = cfg.optStr(this.v, 'slot.name') ?? `gregor_${safe}`;
    this.publication = cfg.optStr(this.v, 'publication.name') ?? `gregor_${safe}_pub`;
    this.partition = { server: this.prefix };
    const stored = context.offsetStorageReader.offset(this.partition);
    this.client = new Client(pgClientConfig(this.v));
    await this.client.connect();
    await this.ensurePublication();
    const slot = await this.client.query<{ confirmed_flush_lsn: string | null }>('SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = $1', [this.slot]);
    const slotExists = slot.rows.length > 0;
    if (stored?.['snapshot_completed'] === true && slotExists) {
      this.startLsn = String(stored['lsn']);
      this.ackedLsn = this.startLsn;
      if (typeof stored['txId'] === 'number' && typeof stored['lsn_change'] === 'string') this.resumeInside = { txId: stored['txId'], lsnChange: stored['lsn_change'] };
      this.logger.info('resuming change stream', { slot: this.slot, lsn: this.startLsn, ...(this.resumeInside !== undefined ? { skippingTransaction: this.resumeInside.txId, upTo: stored['lsn_change'] } : {}) });
      await this.startStreaming();
    } else if (cfg.str(this.v, 'snapshot.mode') === 'never') {
      if (!slotExists) await this.client.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [this.slot]);
      await this.startStreaming();
    } else {
      if (stored?.['snapshot_completed'] === true) this.logger.warn('replication slot is gone: taking a new snapshot', { slot: this.slot });
      if (slotExists) await this.client.query('SELECT pg_drop_replication_slot($1)', [this.slot]);
      await this.beginSnapshot();
    }
  }

  private async ensurePublication(): Promise<void> {
    const exists = await this.client!.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [this.publication]);
    if (exists.rows.length > 0) return;
    const tables = cfg.list(this.v, 'table.include.list');
    const target = tables.length === 0 ? 'ALL TABLES' : `TABLE ${tables.map((t) => t.split('.').map(quoteIdent).join('.')).join(', ')}`;
    await this.client!.query(`CREATE PUBLICATION ${quoteIdent(this.publication)} FOR ${target}`);
    this.logger.info('publication created', { publication: this.publication, tables: target });
  }

  /** Creates the slot and imports its exported snapshot into a repeatable-read transaction on `client`. */
  private async beginSnapshot(): Promise<void> {
    const replication = new Client({ ...pgClientConfig(this.v), replication: 'database' } as ConstructorParameters<typeof Client>[0]);
    await replication.connect();
    try {
      const created = await replication.query<{ consistent_point: string; snapshot_name: string }>(`CREATE_REPLICATION_SLOT ${quoteIdent(this.slot)} LOGICAL pgoutput EXPORT_SNAPSHOT`);
      const { consistent_point: lsn, snapshot_name: name } = created.rows[0]!;
      await this.client!.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await this.client!.query(`SET TRANSACTION SNAPSHOT '${name.replace(/'/g, "''")}'`);
      this.startLsn = lsn;
      this.snapshot = { tables: await this.tableShapes(), index: 0, cursorOpen: false, lsn, held: undefined };
      this.logger.info('snapshot started', { slot: this.slot, lsn, tables: this.snapshot.tables.map((t) => `${t.schema}.${t.table}`) });
    } finally {
      await replication.end(); // the snapshot stays valid: it is imported
    }
  }

  private async tableShapes(): Promise<TableShape[]> {
    const tables = await this.client!.query<{ schemaname: string; tablename: string }>('SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2', [this.publication]);
    const include = cfg.list(this.v, 'table.include.list');
    const shapes: TableShape[] = [];
    for (const { schemaname, tablename } of tables.rows) {
      if (include.length > 0 && !include.includes(`${schemaname}.${tablename}`)) continue;
      const rel = `${quoteIdent(schemaname)}.${quoteIdent(tablename)}`;
      const cols = await this.client!.query<{ name: string; oid: number }>(
        "SELECT attname AS name, atttypid::int AS oid FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [rel],
      );
      const pk = await this.client!.query<{ name: string }>(
        'SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)',
        [rel],
      );
      shapes.push({ schema: schemaname, table: tablename, columns: cols.rows.map((c) => ({ name: c.name, typeOid: c.oid })), keyColumns: pk.rows.map((r) => r.name) });
    }
    return shapes;
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.failure !== undefined) throw this.failure;
    if (this.snapshot !== undefined) return this.pollSnapshot(this.snapshot);
    await this.maybeCheckLag();
    if (this.queue.length === 0) await this.dataArrived.wait(IDLE_POLL_WAIT_MS);
    if (this.failure !== undefined) throw this.failure;
    const out: SourceRecord[] = [];
    const max = cfg.int(this.v, 'snapshot.fetch.size');
    while (this.queue.length > 0 && out.length < max) {
      const item = this.queue.shift()!;
      this.polledSinceCommit = true;
      if (item.kind === 'commit') this.completedLsn = item.lsn;
      else out.push(...item.records);
    }
    this.spaceFreed.notify();
    return out;
  }

  private async pollSnapshot(s: SnapshotState): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const fetchSize = cfg.int(this.v, 'snapshot.fetch.size');
    while (out.length === 0 && s.index < s.tables.length) {
      const shape = s.tables[s.index]!;
      if (!s.cursorOpen) {
        await this.client!.query(`DECLARE gregor_snapshot NO SCROLL CURSOR FOR SELECT * FROM ${quoteIdent(shape.schema)}.${quoteIdent(shape.table)}`);
        s.cursorOpen = true;
      }
      const rows = await this.client!.query<Record<string, string | null>>({ text: `FETCH ${fetchSize} FROM gregor_snapshot`, types: RAW_TYPES });
      if (rows.rows.length < fetchSize) {
        await this.client!.query('CLOSE gregor_snapshot');
        s.cursorOpen = false;
        s.index++;
      }
      for (const row of rows.rows) {
        if (s.held !== undefined) out.push(s.held);
        s.held = changeRecords(shape, { op: 'r', after: row }, this.context('true', { lsn: s.lsn, snapshot: true }))[0];
      }
    }
    if (s.index >= s.tables.length) {
      if (s.held !== undefined) out.push(this.markLast(s.held, s.lsn));
      await this.client!.query('COMMIT');
      this.snapshot = undefined;
      this.logger.info('snapshot done; streaming changes', { lsn: s.lsn });
      await this.startStreaming();
    }
    return out;
  }

  private markLast(record: SourceRecord, lsn: string): SourceRecord {
    const value = record.value as { source: Record<string, unknown> };
    return { ...record, sourceOffset: { lsn, snapshot_completed: true }, value: { ...value, source: { ...value.source, snapshot: 'last' } } };
  }

  private context(snapshot: ChangeContext['snapshot'], offset: JsonMap, lsn: string | null = null): ChangeContext {
    return {
      topicPrefix: this.prefix,
      database: cfg.str(this.v, 'database.dbname'),
      sourcePartition: this.partition,
      sourceOffset: offset,
      tsMs: Date.now(),
      txId: this.txn?.xid ?? null,
      lsn,
      snapshot,
      tombstonesOnDelete: cfg.bool(this.v, 'tombstones.on.delete'),
    };
  }

  private async startStreaming(): Promise<void> {
    const service = new LogicalReplicationService(pgClientConfig(this.v), { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } });
    this.service = service;
    this.resume = new CdcResumeFilter({ startLsn: this.startLsn, inside: this.resumeInside });
    service.on('data', (lsn: string, msg: Pgoutput.Message) => this.handle(lsn, msg));
    service.on('heartbeat', (lsn: string, _ts: number, shouldRespond: boolean) => {
      if (this.maybeAdvanceIdle(lsn)) return;
      if (shouldRespond) void this.acknowledge(this.ackedLsn ?? formatLsn(parseLsn(this.startLsn) - 1n));
    });
    service.on('error', (err: Error) => this.fail(err));
    const plugin = new TextPgoutputPlugin({ protoVersion: 1, publicationNames: [this.publication] });
    service.subscribe(plugin, this.slot, this.startLsn).catch((err: unknown) => this.fail(err as Error));
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.failure ??= new ConnectError(`replication stream failed: ${err.message}`, { cause: err });
    this.dataArrived.notify();
  }

  /** One pgoutput message; awaited by the stream (flow control), so a full queue pauses it. */
  private async handle(lsn: string, msg: Pgoutput.Message): Promise<void> {
    if (this.resume?.accept(lsn, msg) === false) return; // handed out before the restart
    switch (msg.tag) {
      case 'begin':
        this.txn = { xid: msg.xid, commitLsn: msg.commitLsn ?? lsn };
        return;
      case 'commit': {
        const commitLsn = msg.commitLsn ?? this.txn?.commitLsn ?? lsn;
        await this.enqueue({ kind: 'commit', lsn: commitLsn });
        this.txn = undefined;
        return;
      }
      case 'insert':
        return this.enqueueChange(lsn, msg.relation, { op: 'c', after: msg.new as RawRow });
      case 'update':
        return this.enqueueChange(lsn, msg.relation, { op: 'u', before: (msg.old ?? msg.key) as RawRow | null, after: msg.new as RawRow });
      case 'delete':
        return this.enqueueChange(lsn, msg.relation, { op: 'd', before: (msg.old ?? msg.key ?? {}) as RawRow });
      case 'truncate':
        if (this.skipped.has('t')) {
          this.logger.warn('TRUNCATE not emitted (skipped.operations includes t): a sink keeps the rows', { tables: msg.relations.map((r) => `${r.schema}.${r.name}`) });
          return;
        }
        // One queue item for every table of the statement: they share the LSN, so a poll must not split them.
        return this.enqueueRecords(msg.relations.flatMap((relation) => this.changeRecordsOf(lsn, relation, { op: 't' })));
      default:
        return;
    }
  }

  private enqueueChange(lsn: string, relation: Pgoutput.MessageRelation, change: Change): Promise<void> {
    return this.enqueueRecords(this.changeRecordsOf(lsn, relation, change));
  }

  private async enqueueRecords(records: SourceRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.enqueue({ kind: 'records', records });
  }

  /** The records of one change: none for a skipped operation or a table not captured. */
  private changeRecordsOf(lsn: string, relation: Pgoutput.MessageRelation, change: Change): SourceRecord[] {
    if (this.skipped.has(change.op)) return [];
    const include = cfg.list(this.v, 'table.include.list');
    if (include.length > 0 && !include.includes(`${relation.schema}.${relation.name}`)) return [];
    const shape: TableShape = {
      schema: relation.schema,
      table: relation.name,
      columns: relation.columns.map((c) => ({ name: c.name, typeOid: c.typeOid })),
      keyColumns: relation.keyColumns,
    };
    const offset: JsonMap = { lsn: this.completedLsnQueued ?? this.startLsn, lsn_change: lsn, txId: this.txn?.xid ?? null, snapshot_completed: true };
    return changeRecords(shape, change, this.context('false', offset, lsn));
  }

  /** The commit LSN of the last transaction whose commit marker was queued (what a record's offset resumes from). */
  private completedLsnQueued: string | undefined;

  private async enqueue(item: QueueItem): Promise<void> {
    while (this.queue.length >= MAX_QUEUED_EVENTS && !this.stopped) await this.spaceFreed.wait(1000);
    if (item.kind === 'commit') this.completedLsnQueued = item.lsn;
    this.queue.push(item);
    this.dataArrived.notify();
  }

  /**
   * A keepalive carries the position up to which the server has decoded and
   * sent WAL. When everything received before it is handled and durable (no
   * event waiting here or in the library's flow-control queue, no open
   * transaction, nothing polled since the last commit()), no change of ours
   * lies before that position, so the slot may move there: otherwise a
   * database whose captured tables stay quiet would keep all WAL of its other
   * activity (Debezium needs heartbeat records for this).
   */
  private maybeAdvanceIdle(lsn: string): boolean {
    const libQueue = (this.service as unknown as { _messageQueue?: unknown[]; _processing?: boolean } | undefined) ?? {};
    const idle = this.queue.length === 0 && (libQueue._messageQueue?.length ?? 0) === 0 && libQueue._processing !== true && this.txn === undefined && !this.polledSinceCommit;
    const acked = this.ackedLsn ?? this.startLsn;
    if (!idle || parseLsn(lsn) <= parseLsn(acked)) return false;
    this.ackedLsn = lsn;
    this.completedLsn = lsn;
    this.completedLsnQueued = lsn;
    void this.acknowledge(lsn);
    return true;
  }

  /** Every record poll() returned is durable: let PostgreSQL free the WAL of completed transactions. */
  async commit(): Promise<void> {
    this.polledSinceCommit = false;
    const lsn = this.completedLsn;
    if (lsn === undefined || lsn === this.ackedLsn) return;
    await this.acknowledge(lsn);
    this.ackedLsn = lsn;
  }

  private async acknowledge(lsn: string): Promise<void> {
    try {
      await this.service?.acknowledge(lsn);
    } catch (err) {
      this.logger.warn('slot acknowledgement failed (retried at the next commit)', { error: (err as Error).message });
    }
  }

  private async maybeCheckLag(): Promise<void> {
    if (Date.now() < this.nextLagCheckMs || this.client === undefined) return;
    this.nextLagCheckMs = Date.now() + LAG_CHECK_INTERVAL_MS;
    const r = await this.client.query<{ lag: string | null }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text AS lag FROM pg_replication_slots WHERE slot_name = $1', [this.slot]);
    const lag = Number(r.rows[0]?.lag ?? 0);
    if (lag > cfg.int(this.v, 'slot.lag.warn.bytes')) this.logger.warn('replication slot lag is high: PostgreSQL keeps this much WAL until the slot is acknowledged', { slot: this.slot, lagBytes: lag });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.spaceFreed.notify();
    this.dataArrived.notify();
    await this.service?.destroy().catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }
}

export const PG_CDC_SOURCE: ConnectorPlugin = {
  className: 'gregor.connect.postgres.PostgresCdcSourceConnector',
  type: 'source',
  version: PG_VERSION,
  create: () => new PostgresCdcSourceConnector(),
};
