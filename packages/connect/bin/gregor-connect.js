#!/usr/bin/env node
// The `gregor-connect` command as package.json's "bin" names it. A committed
// file rather than dist/bin.js, like the gregor CLI's: pnpm links bins at
// install time, before any build.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'bin.js');
if (!existsSync(built)) {
  process.stderr.write(`gregor-connect: not built yet (${built} is missing): run \`pnpm build\` in the repository first\n`);
  process.exit(1);
}
require(built);
