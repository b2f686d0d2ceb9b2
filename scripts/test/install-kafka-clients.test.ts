/**
 * scripts/install-kafka-clients.sh when a client is missing and it cannot
 * install: `check` fails naming the package, a plain run skips with a
 * SKIPPED line (exit 0) so `pnpm test` goes on, and under CI=true it fails.
 * kcat is made missing by a PATH that holds only the few programs the script
 * needs (and no apt-get, so even root cannot install).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runProcess } from '@gregor/common';

const SCRIPT = path.resolve(__dirname, '../install-kafka-clients.sh');

describe('scripts/install-kafka-clients.sh without a way to install', () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(path.join(tmpdir(), 'gregor-no-kcat-'));
    for (const tool of ['id', 'tr']) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string>) =>
    runProcess('/bin/bash', [SCRIPT, ...args], { timeoutMs: 30_000, env: { PATH: bin, ...env } });

  it('check: exit 1, naming what is missing', async () => {
    const r = await run(['check'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing Kafka clients: kcat\b/);
  });

  it('outside CI: a SKIPPED line and exit 0', async () => {
    const r = await run([], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^SKIPPED install-kafka-clients: kcat.* missing and (not root|no apt-get)/m);
  });

  it('under CI=true: a failure', async () => {
    const r = await run([], { CI: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kcat.* missing and cannot be installed .*CI=true needs them/);
  });
});
