import type { ClientConfig } from 'pg';
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
