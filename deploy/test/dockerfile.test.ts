import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseListeners } from '@gregor/node';
import { REPO_ROOT } from './helpers/compose';
import { contextCopies, dockerignorePatterns, dockerignored, envOf, execForm, parseDockerfile } from './helpers/dockerfile';
import { effectiveConfig, splitNodeEnv, unknownKeys } from './helpers/node-env';

const stages = parseDockerfile(path.join(REPO_ROOT, 'Dockerfile'));
const runtime = stages[stages.length - 1]!;
const ignore = dockerignorePatterns(path.join(REPO_ROOT, '.dockerignore'));
const all = (cmd: string) => runtime.instructions.filter((i) => i.cmd === cmd);
const one = (cmd: string) => {
  const found = all(cmd);
  if (found.length !== 1) throw new Error(`expected one ${cmd} in the runtime stage, found ${found.length}`);
  return found[0]!;
};

describe('Dockerfile', () => {
  test('multi-stage: the runtime stage takes only the assembled /out from the build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0]!;
    expect(build.name).toBeDefined();
    const fromBuild = all('COPY').filter((i) => i.args.includes('--from='));
    expect(fromBuild.map((i) => i.args)).toEqual([`--from=${build.name} /out /opt/gregor`]);
    // Same base image (and so the same Node.js and libc as the native modules were installed for).
    expect(new Set(stages.map((s) => s.from)).size).toBe(1);
  });

  test('the build stage installs the pnpm version the workspace pins', () => {
    const pinned = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    expect(stages[0]!.instructions.some((i) => i.cmd === 'RUN' && i.args.includes(`npm install -g ${pinned}`))).toBe(true);
  });

  test('runs as a non-root user, data on a volume that holds log.dirs', () => {
    const runs = all('RUN').map((i) => i.args).join('\n');
    // `useradd ... --uid N ... gregor` (the options end with the user name).
    const uid = /useradd [^&]*--uid (\d+)[^&]* gregor /.exec(runs)![1];
    const [user, group] = one('USER').args.split(':');
    // Numeric (Kubernetes checks runAsNonRoot on it), the created user, not root.
    expect({ user, group }).toEqual({ user: uid, group: uid });
    expect(uid).not.toBe('0');
    const volumes = execForm(one('VOLUME').args)!;
    const dataDir = envOf(runtime)['GREGOR_LOG_DIRS']!;
    expect(volumes.some((v) => dataDir === v || dataDir.startsWith(`${v}/`))).toBe(true);
    // That user owns the volume's mount point (a new named volume copies it).
    expect(runs).toMatch(new RegExp(`install -d -o gregor -g gregor -m \\d+ ${volumes[0]}`));
  });

  test("the image's GREGOR_* defaults are keys gregor-node accepts, and EXPOSE lists its listeners' ports", () => {
    const { settings } = splitNodeEnv(envOf(runtime));
    expect(unknownKeys(settings)).toEqual([]);
    expect(() => effectiveConfig(settings)).not.toThrow();
    const ports = parseListeners('listeners', settings['listeners']!).map((l) => l.port);
    expect(one('EXPOSE').args.split(' ').map(Number).sort()).toEqual(ports.sort());
  });

  test('HEALTHCHECK runs the readiness script copied into the image, with room for a loaded host', () => {
    const hc = one('HEALTHCHECK');
    const cmd = execForm(hc.args.slice(hc.args.indexOf('CMD')))!;
    // The bash script itself, on PATH: no Node.js start per probe.
    expect(cmd).toEqual(['gregor-healthcheck']);
    const copied = contextCopies(runtime).find((c) => c.dest === `/usr/local/bin/${cmd[0]}`);
    expect(copied).toEqual({ sources: ['deploy/docker/healthcheck.sh'], dest: '/usr/local/bin/gregor-healthcheck', flags: ['--chmod=0755'] });
    expect(readFileSync(path.join(REPO_ROOT, 'deploy/docker/healthcheck.sh'), 'utf8')).toMatch(/^#!\/bin\/bash\n/);
    const seconds = (flag: string) => Number(new RegExp(`--${flag}=(\\d+)s`).exec(hc.args)?.[1]);
    expect(seconds('timeout')).toBeGreaterThanOrEqual(10);
    expect(seconds('start-period')).toBeGreaterThanOrEqual(60);
    expect(seconds('interval')).toBeGreaterThan(0);
  });

  test('no `# syntax=` directive: the built-in frontend builds it, with no registry', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8')).not.toMatch(/^#\s*syntax\s*=/im);
  });

  test('entrypoint: tini, then the entrypoint script; gregor-node and gregor are on PATH', () => {
    const entry = execForm(one('ENTRYPOINT').args)!;
    expect(entry).toEqual(['tini', '--', 'gregor-entrypoint']);
    const script = contextCopies(runtime).find((c) => c.dest === '/usr/local/bin/gregor-entrypoint');
    expect(script).toEqual({ sources: ['deploy/docker/entrypoint.sh'], dest: '/usr/local/bin/gregor-entrypoint', flags: ['--chmod=0755'] });
    const runs = all('RUN').map((i) => i.args).join('\n');
    expect(runs).toContain('apt-get install -y --no-install-recommends tini');
    expect(runs).toContain('ln -s /opt/gregor/packages/node/dist/bin.js /usr/local/bin/gregor-node');
    expect(runs).toContain('ln -s /opt/gregor/packages/cli/dist/bin.js /usr/local/bin/gregor');
  });

  test('every file copied from the context exists and is not excluded by .dockerignore', () => {
    const sources = stages.flatMap((s) => contextCopies(s).flatMap((c) => c.sources)).filter((s) => s !== '.');
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect({ source, exists: existsSync(path.join(REPO_ROOT, source)), ignored: dockerignored(ignore, source) }).toEqual({
        source,
        exists: true,
        ignored: false,
      });
    }
    // What build-runtime.sh and tsc read after `COPY . .`.
    for (const needed of [
      'deploy/docker/build-runtime.sh',
      'packages/node/src/bin.ts',
      'packages/cli/src/bin.ts',
      'proto/gregor/v1/client.proto',
      'tsconfig.base.json',
      'packages/node/tsconfig.json',
    ]) {
      expect({ needed, ignored: dockerignored(ignore, needed) }).toEqual({ needed, ignored: false });
    }
  });
});

describe('.dockerignore', () => {
  test('keeps host build output, modules and VCS data out of the context', () => {
    for (const path_ of ['node_modules/x', 'packages/node/node_modules/x', 'packages/node/dist/bin.js', '.git/HEAD', 'packages/node/dist/.tsbuildinfo', 'packages/node/test/a.test.ts']) {
      expect({ path: path_, ignored: dockerignored(ignore, path_) }).toEqual({ path: path_, ignored: true });
    }
  });

  test('the matcher follows Docker rules on a few cases', () => {
    expect(dockerignored(['**/*.md'], 'README.md')).toBe(true);
    expect(dockerignored(['**/*.md'], 'packages/a/README.md')).toBe(true);
    expect(dockerignored(['docs'], 'docs/DESIGN.md')).toBe(true);
    expect(dockerignored(['docs'], 'packages/docs/x')).toBe(false);
    expect(dockerignored(['deploy/kubernetes'], 'deploy/docker/entrypoint.sh')).toBe(false);
  });
});
