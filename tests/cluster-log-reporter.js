// A jest reporter for real-process tests under CI. tests/cluster/harness.ts
// keeps a stopped cluster's node logs (only the logs) in its temp dir with
// the test file's path in `.test-path`. When that test file has failed this
// prints what the nodes said before their last stop (the teardown) that
// tells a failover, a coordinator move or a rebalance (warnings, errors and
// those info lines, the last ones per node), so a failure seen once in CI
// can be explained; either way the dir is removed.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PREFIX = 'gregor-cluster-test-';
const SUITE_FILE = '.test-path';
const MAX_LINES_PER_NODE = 60;
const MAX_LINE_CHARS = 400;
const TELLING = /fenced|contact|leader|coordinat|loading|loaded|unloading|rebalanc|elect|shrunk|expanded|isr/i;

class ClusterLogReporter {
  onTestResult(_test, result) {
    const failed = result.numFailingTests > 0 || result.testExecError !== undefined;
    for (const dir of keptDirsOf(result.testFilePath)) {
      if (failed) printLogs(dir, result.testFilePath);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function keptDirsOf(testFilePath) {
  const dirs = [];
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      if (fs.readFileSync(path.join(dir, SUITE_FILE), 'utf8') === testFilePath) dirs.push(dir);
    } catch {
      // Not a kept dir (a cluster still running, or one kept by hand).
    }
  }
  return dirs;
}

function printLogs(dir, testFilePath) {
  const out = [`\nNode logs of a cluster of ${path.relative(process.cwd(), testFilePath)} (${dir}):`];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    const all = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    // The test's teardown (every node stopping, leaderships going OFFLINE) would crowd out what went wrong.
    const teardown = all.findLastIndex((line) => line.includes('"message":"signal received: shutting down"'));
    const lines = (teardown < 0 ? all : all.slice(0, teardown)).filter((line) => isTelling(line));
    out.push(`--- ${file}: ${lines.length} telling lines${lines.length > MAX_LINES_PER_NODE ? `, the last ${MAX_LINES_PER_NODE}` : ''}`);
    for (const line of lines.slice(-MAX_LINES_PER_NODE)) out.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line);
  }
  process.stderr.write(`${out.join('\n')}\n`);
}

function isTelling(line) {
  if (line === '') return false;
  if (line.includes('"level":"warn"') || line.includes('"level":"error"')) return true;
  return TELLING.test(line);
}

module.exports = ClusterLogReporter;
