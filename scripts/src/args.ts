import { parseArgs } from 'node:util';

/** Parses `--name value` flags of a script; unknown flags are usage errors (exit 1). */
export function parseFlags<T extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>>(
  spec: T,
  argv = process.argv.slice(2),
): { [K in keyof T]: T[K]['type'] extends 'boolean' ? boolean : string } {
  try {
    const { values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false });
    return values as never;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}

export function intFlag(name: string, text: string, min = 0): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer >= ${min}, got "${text}"\n`);
    process.exit(1);
  }
  return n;
}

/** `--config k=v,k2=v2` → { k: 'v', k2: 'v2' } (node settings for every node of a bench's cluster). */
export function configFlag(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(',')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

/** `--node-args "--a --b=1"` → ['--a', '--b=1'] (extra V8/Node flags for every node process of a bench). */
export function nodeArgsFlag(text: string | undefined): string[] {
  return text?.split(/\s+/).filter((a) => a !== '') ?? [];
}
