/** The random PostgreSQL writer the Connect crash tests run against their source table (seeded: SEED=n replays). */
import type { TestPostgres } from '../../packages/connect/test/postgres-helpers';

export type PgClient = Awaited<ReturnType<TestPostgres['client']>>;
export const ACCOUNTS_DDL = 'CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL, note text, updated timestamptz NOT NULL DEFAULT now())';
export const ACCOUNT_KEYS = 300;
const MAX_WRITER_OPS = 100_000;
/** Writes (a statement or a 5-statement transaction) per second at most: on a fast machine the writes then still span the failover rather than end before it. */
const MAX_WRITES_PER_SECOND = 1_000;

/** Random inserts, updates, deletes and 5-statement transactions until stopped (bounded by MAX_WRITER_OPS, at most MAX_WRITES_PER_SECOND); returns how many statements ran. */
export async function runWriter(c: PgClient, random: () => number, stop: () => boolean): Promise<number> {
  let ops = 0;
  let second = Math.floor(Date.now() / 1000);
  let opsThisSecond = 0;
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
    const now = Date.now();
    if (Math.floor(now / 1000) !== second) [second, opsThisSecond] = [Math.floor(now / 1000), 0];
    else if (opsThisSecond >= MAX_WRITES_PER_SECOND) {
      await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000)));
      continue;
    }
    opsThisSecond += 1;
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

/** The row the tests' own marker changes write: outside the keys runWriter touches. */
const MARKER_ID = ACCOUNT_KEYS + 1;

/**
 * A change the test makes itself (the marker row's owner set to `tag`), to
 * wait for in the target with `markerArrived`. A wait for "any change after
 * time t" instead depends on the random writer still running then — it stops
 * after MAX_WRITER_OPS, which a fast machine reaches in ~20 s, before a
 * failover has finished (CI failed on exactly that).
 */
export async function writeMarker(src: PgClient, tag: string): Promise<void> {
  await src.query('INSERT INTO accounts (id, owner, balance) VALUES ($1, $2, 0) ON CONFLICT (id) DO UPDATE SET owner = $2, updated = now()', [MARKER_ID, tag]);
}

/** Whether the marker change `tag` has reached `dst`'s accounts table. */
export async function markerArrived(dst: PgClient, tag: string): Promise<boolean> {
  return (await dst.query('SELECT 1 FROM accounts WHERE id = $1 AND owner = $2', [MARKER_ID, tag])).rows.length > 0;
}
