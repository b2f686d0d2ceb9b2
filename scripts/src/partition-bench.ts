/**
 * `pnpm bench:partition [--hold-ms 5000] [--rounds a,b] [--config k=v,…]` —
 * the partition test's rounds (src/partition/faults.ts) as a benchmark: three
 * nodes in their own network namespaces (needs root; scripts/netns.sh), an
 * acks=all workload through the SDK, and per round one JSON line on stdout
 * with each partition's unavailability (the longest stretch without an
 * acknowledged produce). Safety violations are reported on stderr and make
 * the exit code 3; progress goes to stderr. Not a test: no thresholds.
 */
import { configFlag, intFlag, parseFlags } from './args';
import { FAULTS } from './partition/faults';
import { labSupport } from './partition/netns-lab';
import { PartitionRun } from './partition/partition-run';

const flags = parseFlags({
  'hold-ms': { type: 'string', default: '5000' },
  rounds: { type: 'string', default: FAULTS.map((f) => f.name).join(',') },
  /** Node settings for every node, comma-separated key=value pairs (default: the nodes' defaults). */
  config: { type: 'string', default: '' },
  keep: { type: 'boolean', default: false },
});
const log = (m: string): void => void process.stderr.write(`[partition] ${new Date().toISOString()} ${m}\n`);

async function main(): Promise<number> {
  const support = labSupport();
  if (!support.ok) {
    log(`cannot run: ${support.reason}`);
    return 1;
  }
  const names = flags.rounds.split(',').filter((n) => n !== '');
  const faults = names.map((name) => {
    const f = FAULTS.find((x) => x.name === name);
    if (f === undefined) throw new Error(`unknown round "${name}" (rounds: ${FAULTS.map((x) => x.name).join(', ')})`);
    return f;
  });
  const run = await PartitionRun.start({ timing: { holdMs: intFlag('hold-ms', flags['hold-ms'], 1) }, nodeConfig: configFlag(flags.config), log, keepDir: flags.keep });
  const violations: string[] = [];
  try {
    for (const fault of faults) {
      const { report, violations: v } = await run.round(fault);
      process.stdout.write(`${JSON.stringify(report)}\n`);
      violations.push(...v.map((x) => `${fault.name}: ${x}`));
    }
    violations.push(...(await run.finish()).map((x) => `at the end: ${x}`));
  } finally {
    await run.close();
  }
  for (const v of violations) log(`SAFETY VIOLATION ${v}`);
  return violations.length === 0 ? 0 : 3;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`partition bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
