// `node scripts/run-built.js DIST_FILE ARGS…` — how the root package's
// scripts (pnpm quickstart, bench, sim) start a built program: before
// `pnpm build` they say so in one sentence instead of dying with a
// module-not-found stack. A committed file, so it works on a fresh clone.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const target = process.argv[2];
if (target === undefined) {
  process.stderr.write('usage: node scripts/run-built.js DIST_FILE [ARGS…]\n');
  process.exit(1);
}
const file = path.resolve(__dirname, '..', target);
if (!existsSync(file)) {
  process.stderr.write(`${target} is missing: Gregor is not built yet. Run \`pnpm build\` first.\n`);
  process.exit(1);
}
// The program reads its own arguments from process.argv.slice(2), as if started directly.
process.argv.splice(1, 2, file);
require(file);
