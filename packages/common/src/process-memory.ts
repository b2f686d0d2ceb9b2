import { readFileSync } from 'node:fs';

/**
 * Resident memory of a process as the kernel accounts it, from
 * `/proc/PID/smaps_rollup` (Linux; one summed record, cheap to read). The
 * node exports it as metrics and benchmarks read it for the nodes they start.
 */
export interface ProcessMemory {
  rssBytes: number;
  /** Memory the process itself holds (JS heap, malloc arenas, stacks): what a memory budget is about. */
  anonymousBytes: number;
  /** Resident file-backed pages (mmapped LevelDB tables, code): the kernel reclaims them under pressure. */
  fileBytes: number;
}

/** undefined off Linux, or once the process is gone. */
export function readProcessMemory(pid: number | 'self' = 'self'): ProcessMemory | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return undefined;
  }
  return parseSmapsRollup(text);
}

/** The fields that matter here, in bytes (the file says kB); undefined when they are missing. */
export function parseSmapsRollup(text: string): ProcessMemory | undefined {
  const kb = (field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m === null ? undefined : Number(m[1]) * 1024;
  };
  const rssBytes = kb('Rss');
  const anonymousBytes = kb('Anonymous');
  if (rssBytes === undefined || anonymousBytes === undefined) return undefined;
  return { rssBytes, anonymousBytes, fileBytes: Math.max(0, rssBytes - anonymousBytes) };
}
