#!/usr/bin/env node
// The `gregor` command as package.json's "bin" names it (`pnpm gregor …` at
// the repository root runs it). A committed file rather than dist/bin.js:
// pnpm links bins at install time, before any build, and warns "Failed to
// create bin" about a target that does not exist yet; and before
// `pnpm build` a person gets a sentence, not a module-not-found stack.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'bin.js');
if (!existsSync(built)) {
  process.stderr.write(`gregor: not built yet (${built} is missing): run \`pnpm build\` in the repository first\n`);
  process.exit(1);
}
require(built);
