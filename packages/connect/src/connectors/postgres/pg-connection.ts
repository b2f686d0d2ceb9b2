import type { ClientConfig } from 'pg';
import { Client } from 'pg';
import { cfg, type ConfigValues, type ConnectConfigKey } from '../../api/config-def';

/** Debezium's connection keys, shared by the CDC source and the sink. */
export const PG_CONNECTION_KEYS: Readonly<Record<string, ConnectConfigKey>> = {
  'database.hostname': { type: 'string', default: '127.0.0.1', importance: 'HIGH', group: 'Connection', doc: 'PostgreSQL host.' },
  'database.port': { type: 'int', default: 5432, min: 1, max: 65535, importance: 'HIGH', group: 'Connection', doc: 'PostgreSQL port.' },
  'database.user': { type: 'string', default: 'postgres', importance: 'HIGH', group: 'Connection', doc: 'User (the CDC source needs the REPLICATION attribute).' },
  'database.password': { type: 'string', default: '', password: true, importance: 'HIGH', group: 'Connection', doc: 'Password.' },
  'database.dbname': { type: 'string', importance: 'HIGH', group: 'Connection', doc: 'Database name.' },
};

export function pgClientConfig(v: ConfigValues): ClientConfig {
  const password = cfg.optStr(v, 'database.password');
  return {
    host: cfg.str(v, 'database.hostname'),
    port: cfg.int(v, 'database.port'),
    user: cfg.str(v, 'database.user'),
    database: cfg.str(v, 'database.dbname'),
    ...(password !== undefined ? { password } : {}),
    connectionTimeoutMillis: 10_000,
    application_name: 'gregor-connect',
  };
}

/**
 * Connects once, as validation does (Debezium answers the same way): a server
 * that cannot be reached is a problem of `database.hostname`; `extra` adds
 * checks on the open connection. Problems per key, never a throw.
 */
export async function validateConnection(
  v: ConfigValues,
  extra?: (client: Client) => Promise<Record<string, string[]>>,
): Promise<Record<string, string[]>> {
  const client = new Client({ ...pgClientConfig(v), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const where = `${cfg.str(v, 'database.hostname')}:${cfg.int(v, 'database.port')}/${cfg.str(v, 'database.dbname')}`;
    return { 'database.hostname': [`Unable to connect to PostgreSQL at ${where} as ${cfg.str(v, 'database.user')}: ${(err as Error).message}`] };
  }
  try {
    return (await extra?.(client)) ?? {};
  } finally {
    await client.end().catch(() => undefined);
  }
}
