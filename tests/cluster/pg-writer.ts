/** The random PostgreSQL writer the Connect crash tests run against their source table (seeded: SEED=n replays). */
import type { TestPostgres } from '../../packages/connect/test/postgres-helpers';

export type PgClient = Awaited<ReturnType<TestPostgres['client']>>;
export const ACCOUNTS_DDL = 'CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL, note text, updated timestamptz NOT NULL DEFAULT now())';
export const ACCOUNT_KEYS = 300;
const MAX_WRITER_OPS = 50_000;

/** Random inserts, updates, deletes and 5-statement transactions until stopped (bounded by MAX_WRITER_OPS); returns how many statements ran. */
export async function runWriter(c: PgClient, random: () => number, stop: () => boolean): Promise<number> {
  let ops = 0;
  const id = (): number => 1 + Math.floor(random() * ACCOUNT_KEYS);
  const one = async (): Promise<void> => {
    const r = random();
    const k = id();
    if (r < 0.45) await c.query(`INSERT INTO accounts (id, owner, balance) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET balance = accounts.balance + 1, updated = now()`, [k, `owner-${k}`, Math.floor(random() * 1e12)]);
    else if (r < 0.8) await c.query(`UPDATE accounts SET balance = balance - $2, note = $3, updated = now() WHERE id = $1`, [k, Math.floor(random() * 100), random() < 0.2 ? null : `n${ops}`]);
    else await c.query('DELETE FROM accounts WHERE id = $1', [k]);
    ops++;
  };
  while (!stop() && ops < MAX_WRITER_OPS) {
    if (random() < 0.2) {
      await c.query('BEGIN');
      for (let i = 0; i < 5; i++) await one();
      await c.query('COMMIT');
    } else await one();
  }
  return ops;
}

/** Databases src and dst of `pg`, each with an empty accounts table; src gets the first half of the keys (the snapshot). */
export async function createAccountDatabases(pg: TestPostgres): Promise<{ src: PgClient; dst: PgClient }> {
  const admin = await pg.client();
  await admin.query('CREATE DATABASE src');
  await admin.query('CREATE DATABASE dst');
  await admin.end();
  const src = await pg.client('src');
  const dst = await pg.client('dst');
  await src.query(ACCOUNTS_DDL);
  await dst.query(ACCOUNTS_DDL);
  await src.query(`INSERT INTO accounts (id, owner, balance) SELECT i, 'owner-' || i, i * 100 FROM generate_series(1, ${ACCOUNT_KEYS / 2}) i`);
  return { src, dst };
}

/** The source database's now(), to find target rows a later change wrote (`updated > t`). */
export async function sourceNow(src: PgClient): Promise<string> {
  return (await src.query<{ t: string }>('SELECT now()::text AS t')).rows[0]!.t;
}
