import { readFileSync } from 'node:fs';
export { readProcessMemory, type ProcessMemory } from '@gregor/common';

/**
 * What /proc says about a process (Linux only; undefined elsewhere or once
 * the process is gone). Benchmarks read it for the node processes they
 * start, so figures do not depend on the node's own metrics being right
 * (memory: common's readProcessMemory).
 */

const CLOCK_TICKS = 100;

/** CPU seconds (user + system, all threads) a process has used so far. */
export function processCpuSeconds(pid: number): number | undefined {
  return cpuSecondsOf(`/proc/${pid}/stat`);
}

/**
 * CPU seconds of a process's main thread alone: for a node, its JavaScript
 * (the event loop). The rest of processCpuSeconds is other threads: LevelDB's
 * compaction thread, the libuv pool doing LevelDB reads and writes, V8's GC
 * helpers.
 */
export function mainThreadCpuSeconds(pid: number): number | undefined {
  return cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`);
}

function cpuSecondsOf(statPath: string): number | undefined {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}


/**
 * Bytes a process has read and written through system calls so far
 * (/proc/PID/io rchar + wchar: sockets and files alike, page cache or not).
 * An idle node does little file I/O, so over an idle spell this is mostly
 * what its connections carry.
 */
export function processIoBytes(pid: number): number | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
    return field('rchar') + field('wchar');
  } catch {
    return undefined;
  }
}
