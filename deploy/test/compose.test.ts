import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfigValue } from '@gregor/common';
import { NODE_CONFIG_SCHEMA, parseListeners, parseQuorumVoters, type NodeConfig } from '@gregor/node';
import { parse } from 'yaml';
import { COMPOSE_FILE, DOTENV_FILE, REPO_ROOT, interpolate, interpolatedNames, loadCompose, readDotenv, type ComposeService } from './helpers/compose';
import { parseDistributedConfig } from '@gregor/connect';
import { ENTRYPOINT_ENV, effectiveConfig, splitNodeEnv, unknownKeys } from './helpers/node-env';

const compose = loadCompose();
const services = compose.services;

function configOf(s: ComposeService): NodeConfig {
  return effectiveConfig(splitNodeEnv(s.env).settings);
}

function listener(config: NodeConfig, name: 'CLIENT' | 'INTERNAL' | 'CONTROLLER' | 'HTTP' | 'KAFKA', advertised = false) {
  const found = (advertised ? config.advertisedListeners : config.listeners).find((l) => l.name === name);
  if (found === undefined) throw new Error(`node ${config.nodeId} has no ${advertised ? 'advertised ' : ''}${name} listener`);
  return found;
}

function distinct<T>(values: readonly T[]): boolean {
  return new Set(values).size === values.length;
}

describe('docker-compose.yml: structure', () => {
  test('three gregor services with node ids 1..3 matching their names', () => {
    expect(services.map((s) => s.name).sort()).toEqual(['gregor-1', 'gregor-2', 'gregor-3']);
    for (const s of services) expect(`gregor-${configOf(s).nodeId}`).toBe(s.name);
  });

  test('every GREGOR_* variable is a key gregor-node accepts, and its value parses', () => {
    for (const s of services) {
      const { settings, other } = splitNodeEnv(s.env);
      expect({ service: s.name, unknown: unknownKeys(settings) }).toEqual({ service: s.name, unknown: [] });
      for (const [key, value] of Object.entries(settings)) {
        expect(() => parseConfigValue(key, NODE_CONFIG_SCHEMA[key]!, value)).not.toThrow();
      }
      // The whole set, with the cross-key checks gregor-node runs at start-up.
      expect(() => configOf(s)).not.toThrow();
      for (const name of Object.keys(other)) expect(ENTRYPOINT_ENV).toContain(name);
    }
  });

  test('combined mode, with the same voters string naming every service by its node id and CONTROLLER port', () => {
    const voterStrings = new Set(services.map((s) => s.env['GREGOR_CONTROLLER_QUORUM_VOTERS']));
    expect(voterStrings.size).toBe(1);
    const voters = parseQuorumVoters('controller.quorum.voters', [...voterStrings][0]!);
    expect(voters).toHaveLength(services.length);
    for (const s of services) {
      const config = configOf(s);
      expect(config.roles).toEqual(['broker', 'controller']);
      const self = voters.find((v) => v.id === config.nodeId);
      expect(self).toEqual({ id: config.nodeId, host: s.name, port: listener(config, 'CONTROLLER').port });
    }
  });

  test('listeners bind all interfaces on ports distinct across nodes (one host publishes them all)', () => {
    const configs = services.map(configOf);
    for (const name of ['CLIENT', 'INTERNAL', 'CONTROLLER', 'HTTP', 'KAFKA'] as const) {
      const bound = configs.map((c) => listener(c, name));
      expect(bound.every((l) => l.host === '0.0.0.0')).toBe(true);
      expect(distinct(bound.map((l) => l.port))).toBe(true);
    }
  });

  // The .env defaults, and every published port moved (what a user does to
  // run this next to the dev cluster): the advertised address follows.
  const dotenv = readDotenv();
  const moved = Object.fromEntries(Object.entries(dotenv).map(([k, v]) => [k, String(Number(v) + 20000)]));
  test.each([
    ['.env', dotenv],
    ['every host port moved by 20000', moved],
  ])('the advertised CLIENT and KAFKA addresses are on the host loopback, on ports published to the same container ports (%s)', (_name, vars) => {
    const loaded = loadCompose(COMPOSE_FILE, vars);
    const withVars = loaded.services;
    for (const s of withVars) {
      const config = configOf(s);
      for (const name of ['CLIENT', 'KAFKA'] as const) {
        const advertised = listener(config, name, true);
        expect(['127.0.0.1', 'localhost']).toContain(advertised.host);
        const published = s.ports.find((p) => p.published === advertised.port);
        expect(published).toEqual({ hostIp: '127.0.0.1', published: advertised.port, target: listener(config, name).port });
      }
      // Health and metrics reachable from the host as well.
      const http = listener(config, 'HTTP');
      expect(s.ports.filter((p) => p.target === http.port)).toEqual([{ hostIp: '127.0.0.1', published: expect.any(Number), target: http.port }]);
      expect(s.ports).toHaveLength(3);
    }
    const publishedPorts = [...withVars, ...loaded.optional].flatMap((s) => s.ports.map((p) => p.published));
    expect(distinct(publishedPorts)).toBe(true);
    // Every published port comes from the variables (one place to change them).
    expect(publishedPorts.sort()).toEqual(Object.values(vars).map(Number).sort());
  });

  test('a port variable missing from .env and the shell stops compose with a pointer to .env (as `${NAME:?see .env}` does)', () => {
    const { HOST_HTTP_PORT_2: _dropped, ...rest } = dotenv;
    expect(() => loadCompose(COMPOSE_FILE, rest)).toThrow('HOST_HTTP_PORT_2 is not set: see .env');
    expect(interpolate('${A:-x} ${B-y} ${C}', { B: '' })).toBe('x  ');
  });

  test('.env sets exactly the variables the compose file uses, to distinct ports, none with the GREGOR_ prefix', () => {
    const used = interpolatedNames(readFileSync(COMPOSE_FILE, 'utf8'));
    expect(Object.keys(readDotenv(DOTENV_FILE)).sort()).toEqual(used);
    expect(used.length).toBeGreaterThan(0);
    // gregor-node refuses unknown GREGOR_* variables, and these may be exported in its shell.
    expect(used.filter((name) => name.startsWith('GREGOR_'))).toEqual([]);
    const values = Object.values(dotenv).map(Number);
    expect(values.every((p) => Number.isInteger(p) && p > 0 && p < 65536)).toBe(true);
    expect(distinct(values)).toBe(true);
  });

  test('the optional connect service (profile connect): a distributed gregor-connect worker on every INTERNAL address, its REST port published', () => {
    const connect = compose.optional.find((s) => s.name === 'connect');
    expect(connect).toBeDefined();
    expect(compose.optional.map((s) => s.name)).toEqual(['connect']);
    expect(connect!.raw['profiles']).toEqual(['connect']);
    expect(connect!.raw['entrypoint']).toEqual(['tini', '--', 'gregor-connect']);
    const command = connect!.raw['command'] as string[];
    expect(command.slice(0, 2)).toEqual(['distributed', '/dev/null']);
    const overrides: Record<string, string> = {};
    for (let i = 2; i < command.length; i += 2) {
      expect(command[i]).toBe('--override');
      const kv = command[i + 1]!;
      overrides[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    }
    const settings = parseDistributedConfig(overrides);
    const internal = services.map((s) => {
      const l = listener(configOf(s), 'INTERNAL', true);
      return `${l.host}:${l.port}`;
    });
    expect(settings.bootstrap.sort()).toEqual(internal.sort());
    expect(settings.groupId).toBe('connect-cluster');
    expect(connect!.ports).toEqual([{ hostIp: '127.0.0.1', published: Number(dotenv['HOST_CONNECT_PORT']), target: settings.listener.port }]);
    expect(connect!.raw['depends_on']).toEqual(services.map((s) => s.name));
  });

  test('brokers reach each other on INTERNAL, advertised by service name, a listener clients on the host never get', () => {
    // Kafka's split: Metadata answers with the addresses of the listener it
    // was asked on, so host clients (CLIENT) get 127.0.0.1:909x and brokers
    // (INTERNAL) get gregor-N:1909x, each reachable from where it is used.
    for (const s of services) {
      const config = configOf(s);
      expect({ service: s.name, inter: config.interBrokerListenerName }).toEqual({ service: s.name, inter: 'INTERNAL' });
      const internal = listener(config, 'INTERNAL', true);
      expect(internal).toEqual({ name: 'INTERNAL', host: s.name, port: listener(config, 'INTERNAL').port });
      // Not published: only containers on the compose network use it.
      expect(s.ports.some((p) => p.target === internal.port)).toBe(false);
      expect(s.env['LOOPBACK_FORWARDS']).toBeUndefined();
    }
  });

  test('the CLI inside a container bootstraps from every INTERNAL address (GREGOR_CLI_BOOTSTRAP)', () => {
    const internal = services.map((s) => {
      const l = listener(configOf(s), 'INTERNAL', true);
      return `${l.host}:${l.port}`;
    });
    for (const s of services) expect(s.env['GREGOR_CLI_BOOTSTRAP']?.split(',')).toEqual(internal);
  });

  test('one named volume each, declared, holding log.dirs', () => {
    const names: string[] = [];
    for (const s of services) {
      expect(s.namedVolumes).toHaveLength(1);
      const { volume, target } = s.namedVolumes[0]!;
      names.push(volume);
      expect(Object.keys(compose.volumes)).toContain(volume);
      const dataDir = configOf(s).dataDir;
      expect(dataDir === target || dataDir.startsWith(`${target}/`)).toBe(true);
    }
    expect(distinct(names)).toBe(true);
  });

  test('same image built from the repository Dockerfile, restarted unless stopped by hand', () => {
    expect(new Set(services.map((s) => s.raw['image'])).size).toBe(1);
    for (const s of services) {
      expect(s.raw['restart']).toBe('unless-stopped');
      const build = s.raw['build'];
      const context = typeof build === 'string' ? build : (build as { context: string }).context;
      expect(existsSync(path.join(REPO_ROOT, context, 'Dockerfile'))).toBe(true);
      expect(s.raw['hostname']).toBe(s.name);
    }
  });

  test('listener parsing agrees with gregor-node for each raw value (no silent defaults)', () => {
    for (const s of services) {
      expect(parseListeners('listeners', s.env['GREGOR_LISTENERS']!).map((l) => l.name).sort()).toEqual(['CLIENT', 'CONTROLLER', 'HTTP', 'INTERNAL', 'KAFKA']);
      expect(parseListeners('advertised.listeners', s.env['GREGOR_ADVERTISED_LISTENERS']!).map((l) => l.name)).toEqual(['CLIENT', 'INTERNAL', 'KAFKA']);
    }
  });
});

/**
 * `config` validates the file against the compose schema and prints it with
 * merges and defaults applied; it needs no engine. Debian's docker-compose
 * (v1) and the v2 plugin (`docker compose`) both work offline.
 */
function findCompose(): { cmd: string[]; reason?: undefined } | { cmd?: undefined; reason: string } {
  const candidates = [['docker', 'compose'], ['docker-compose']];
  const tried: string[] = [];
  for (const cmd of candidates) {
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'version'], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return { cmd };
    tried.push(`${cmd.join(' ')}: ${r.error?.message ?? (r.stderr || r.stdout).trim().split('\n')[0]}`);
  }
  return { reason: tried.join('; ') };
}

const found = findCompose();
if (found.cmd === undefined) {
  console.log(`skipping the docker compose config check: no working compose command (${found.reason})`);
}
const withCompose = found.cmd !== undefined ? test : test.skip;

describe('docker-compose.yml: accepted by docker compose', () => {
  withCompose('`config` accepts the file, and sees the environment these tests checked', () => {
    const cmd = found.cmd!;
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), '--project-directory', REPO_ROOT, '-f', COMPOSE_FILE, 'config'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const resolved = parse(r.stdout) as { services: Record<string, { environment: Record<string, string> }> };
    for (const s of services) {
      const env = Object.fromEntries(Object.entries(resolved.services[s.name]!.environment).map(([k, v]) => [k, String(v)]));
      expect(env).toEqual(s.env);
    }
  });
});
