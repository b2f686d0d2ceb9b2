import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFlagsOf } from '@gregor/dev-cluster';

const pkg = path.resolve(__dirname, '..');

describe('bin/gregor-node.js (the bin a fresh install links before any build)', () => {
  it('starts gregor-node with the same V8 flags as src/bin.ts', () => {
    const firstLine = (file: string): string => readFileSync(path.join(pkg, file), 'utf8').split('\n', 1)[0]!;
    expect(firstLine('bin/gregor-node.js')).toBe(firstLine('src/bin.ts'));
    expect(nodeFlagsOf(path.join(pkg, 'bin/gregor-node.js'))).toContain('--max-semi-space-size=32');
  });

  it('is the bin package.json names', () => {
    const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ 'gregor-node': 'bin/gregor-node.js' });
  });
});
