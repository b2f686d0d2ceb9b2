import { readFileSync } from 'node:fs';

export interface Instruction {
  /** Upper-case instruction name: FROM, RUN, COPY, ... */
  cmd: string;
  args: string;
  /** Index of the build stage (0 = first FROM). */
  stage: number;
}

export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped (enough for our Dockerfile, no heredocs). */
export function parseDockerfile(file: string): Stage[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const logical: string[] = [];
  let current = '';
  for (const line of lines) {
    if (/^\s*#/.test(line)) continue; // also inside a continued instruction, as Docker reads it
    const continued = /\\\s*$/.test(line);
    current += `${line.replace(/\\\s*$/, '').trim()} `;
    if (!continued) {
      if (current.trim() !== '') logical.push(current.trim().replace(/\s+/g, ' '));
      current = '';
    }
  }
  const stages: Stage[] = [];
  for (const text of logical) {
    const m = /^(\w+)\s*(.*)$/.exec(text)!;
    const cmd = m[1]!.toUpperCase();
    const args = m[2]!;
    if (cmd === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ from: f[1]!, name: f[2], instructions: [] });
      continue;
    }
    if (stages.length === 0) continue; // ARG before the first FROM
    stages[stages.length - 1]!.instructions.push({ cmd, args, stage: stages.length - 1 });
  }
  return stages;
}

/** `A=1 B=2` (no quoting: ours has none). */
export function envOf(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of stage.instructions.filter((x) => x.cmd === 'ENV')) {
    for (const pair of i.args.split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return out;
}

/** JSON-array (exec) form of CMD/ENTRYPOINT/VOLUME arguments, or undefined. */
export function execForm(args: string): string[] | undefined {
  const at = args.indexOf('[');
  if (at < 0) return undefined;
  try {
    return JSON.parse(args.slice(at)) as string[];
  } catch {
    return undefined;
  }
}

/** COPY sources from the build context (not --from=stage), with their flags. */
export function contextCopies(stage: Stage): { sources: string[]; dest: string; flags: string[] }[] {
  return stage.instructions
    .filter((i) => i.cmd === 'COPY' && !/--from=/.test(i.args))
    .map((i) => {
      const words = i.args.split(' ');
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      return { sources: paths.slice(0, -1), dest: paths[paths.length - 1]!, flags };
    });
}

/**
 * Whether a context-relative path is left out by .dockerignore patterns:
 * `*` within a segment, `**` across segments, a matched directory takes its
 * contents along (Docker's rules, without `!` exceptions, which we do not use).
 */
export function dockerignored(patterns: readonly string[], file: string): boolean {
  const parts = file.split('/');
  return patterns.some((pattern) => {
    const re = new RegExp(
      `^${pattern
        .replace(/^\.\//, '')
        .split('/')
        .map((seg) => (seg === '**' ? '(?:.*)' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?')}$`,
    );
    return parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')));
  });
}

export function dockerignorePatterns(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
