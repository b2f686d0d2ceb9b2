/**
 * The README's commands as pnpm runs them (issue 11 items 3 and 4): pnpm's
 * own output (build progress, its errors) is shown, `pnpm gregor … --json`
 * leaves stdout to the command, CI logs get no cursor movement, and every
 * package's bin is a committed file, so a fresh `pnpm install` links it
 * before any build and a command run before `pnpm build` says so.
 * Needs the built dist (`pnpm build`).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { runProcess, type ProcessResult } from '@gregor/common';
import { findFreeBasePort } from '@gregor/dev-cluster';

const ROOT = path.resolve(__dirname, '../..');

function pnpm(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<ProcessResult> {
  return runProcess('pnpm', args, { cwd, env: { ...process.env, ...env }, timeoutMs: 60_000 });
}

const ESC = '\u001b';

describe('pnpm commands of the README', () => {
  it('`pnpm gregor` prints only the command\'s output on stdout: no pnpm script header', async () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
    const res = await pnpm(['gregor', '--version']);
    expect(res).toMatchObject({ code: 0, stdout: `${version}\n` });
    // An error with --json: nothing on stdout, one JSON object on stderr, pnpm passes the exit code on.
    const failed = await pnpm(['gregor', 'topic', 'list', '--json'], { GREGOR_CLI_BOOTSTRAP: `127.0.0.1:${await findFreeBasePort(1)}` });
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe('');
    expect(JSON.parse(failed.stderr.trim().split('\n').pop()!)).toMatchObject({ error: 'NETWORK_EXCEPTION' });
    // From a workspace package's directory too (pnpm puts the root's bins on the PATH).
    expect(await pnpm(['gregor', '--version'], {}, path.join(ROOT, 'examples'))).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("pnpm's own errors are shown (a typo is not silent)", async () => {
    const res = await pnpm(['buld']);
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).toContain('Command "buld" not found');
  });

  it('`pnpm build` shows what it builds, and in CI without cursor movement', async () => {
    // --dry: what tsc -b would build, without touching dist/ under other tests' feet.
    const res = await pnpm(['build', '--dry'], { CI: 'true' });
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).toMatch(/Projects in this build:[\s\S]*packages\/cli\/tsconfig\.json/);
    expect(res.stdout + res.stderr).not.toContain(ESC);
  });

  it('every bin a package declares is a committed file, not a build output', () => {
    const packageDirs = ['.', 'scripts', 'tests', 'deploy', 'examples', 'proto', ...readdirSync(path.join(ROOT, 'packages')).map((p) => `packages/${p}`)];
    const bins: string[] = [];
    for (const dir of packageDirs) {
      const file = path.join(ROOT, dir, 'package.json');
      if (!existsSync(file)) continue;
      const bin = (JSON.parse(readFileSync(file, 'utf8')) as { bin?: Record<string, string> }).bin ?? {};
      for (const target of Object.values(bin)) bins.push(path.join(dir, target));
    }
    expect(bins).toEqual(expect.arrayContaining(['packages/cli/bin/gregor.js', 'packages/node/bin/gregor-node.js']));
    for (const target of bins) {
      expect({ target, underDist: target.split(path.sep).includes('dist') }).toEqual({ target, underDist: false });
      expect({ target, exists: existsSync(path.join(ROOT, target)) }).toEqual({ target, exists: true });
    }
  });
});
