import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Client } from 'pg';
import { runProcess } from '@gregor/common';

const SCRIPT = path.resolve(__dirname, '../../../scripts/postgres.sh');

/** `describe`, or `describe.skip` with a SKIPPED line when PostgreSQL is not installed (never under CI=true). */
export function describeWithPostgres(file: string): jest.Describe {
  const r = spawnSync('bash', [SCRIPT, 'check'], { encoding: 'utf8' });
  if (r.status === 0 || process.env.CI === 'true') return describe;
  process.stderr.write(`SKIPPED ${file}: ${r.stderr.trim()} (CI=true makes this a failure)\n`);
  return describe.skip;
}

/** A throwaway PostgreSQL instance (scripts/postgres.sh: initdb in `dir`, a free port, wal_level=logical). */
export class TestPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(dir: string): Promise<TestPostgres> {
    const r = await runProcess('bash', [SCRIPT, 'start', dir], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`postgres.sh start failed (${String(r.code)}): ${r.stderr}`);
    return new TestPostgres(dir, Number(r.stdout.trim()));
  }

  async client(database = 'postgres'): Promise<Client> {
    const c = new Client({ host: '127.0.0.1', port: this.port, user: 'postgres', database });
    await c.connect();
    return c;
  }

  async stop(): Promise<void> {
    await runProcess('bash', [SCRIPT, 'stop', this.dir], { timeoutMs: 120_000 });
  }
}

/** Every row of a table as PostgreSQL prints it, ordered by the first column. */
export async function tableRows(c: Client, table: string): Promise<Record<string, string | null>[]> {
  const r = await c.query<Record<string, string | null>>({ text: `SELECT * FROM ${table} ORDER BY 1`, types: { getTypeParser: () => (v: string) => v } });
  return r.rows;
}
