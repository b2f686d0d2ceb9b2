import { envKeyToConfigKey } from '@gregor/common';
import { NODE_CONFIG_SCHEMA, nodeConfig, type NodeConfig } from '@gregor/node';

/**
 * Environment variables the image's entrypoint reads (deploy/docker/entrypoint.sh,
 * healthcheck.js), and the gregor CLI's default bootstrap. Anything else without the GREGOR_ prefix in a deployment
 * file is a typo that nothing would report.
 */
export const ENTRYPOINT_ENV = ['NODE_ID_ORDINAL_OFFSET', 'HEALTHCHECK_URL', 'NODE_OPTIONS', 'NODE_ENV', 'GREGOR_CLI_BOOTSTRAP'] as const;

export interface NodeEnv {
  /** GREGOR_X_Y → x.y, as gregor-node maps them. */
  settings: Record<string, string>;
  /** Variables without the prefix, and the CLI's GREGOR_CLI_* (gregor-node ignores those). */
  other: Record<string, string>;
}

export function splitNodeEnv(env: Readonly<Record<string, string>>): NodeEnv {
  const settings: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const key = name.startsWith('GREGOR_CLI_') ? undefined : envKeyToConfigKey(name);
    if (key === undefined) other[name] = value;
    else settings[key] = value;
  }
  return { settings, other };
}

/** Keys that gregor-node would refuse at start-up as unknown. */
export function unknownKeys(settings: Readonly<Record<string, string>>): string[] {
  return Object.keys(settings).filter((k) => !(k in NODE_CONFIG_SCHEMA));
}

/**
 * The config gregor-node would run with: every value parsed with the schema,
 * defaults filled, and the cross-key checks (node.id is a voter, the
 * CONTROLLER port is its voter port, ...). Throws ConfigError naming the key.
 */
export function effectiveConfig(settings: Readonly<Record<string, string>>): NodeConfig {
  return nodeConfig(settings);
}
