'use strict';
// The image's HEALTHCHECK: exit 0 when gregor-node's /readyz answers 200
// (registered, unfenced and caught up with the metadata log), 1 otherwise.
//
// It finds the HTTP listener in GREGOR_LISTENERS, the same variable the node
// reads, so a compose file or `docker run -e` that moves the port needs no
// second setting. HEALTHCHECK_URL overrides it (e.g. when listeners come from
// a config file). Plain JavaScript with no imports: it runs every few seconds,
// and loading gregor-node's modules for a regex would cost more than the check.

const DEFAULT_URL = 'http://127.0.0.1:9292/readyz';
const TIMEOUT_MS = 2500;

/** The /readyz URL for a listeners value (NAME://host:port,...). */
function readyzUrl(env) {
  if (env.HEALTHCHECK_URL) return env.HEALTHCHECK_URL;
  const listeners = env.GREGOR_LISTENERS;
  if (!listeners) return DEFAULT_URL;
  for (const entry of listeners.split(',')) {
    const m = /^\s*HTTP:\/\/(\[[^\]]+\]|[^:[\]]*):(\d+)\s*$/.exec(entry);
    if (m === null) continue;
    // A wildcard bind is reachable on loopback; a specific address only on itself.
    const host = m[1] === '' || m[1] === '0.0.0.0' ? '127.0.0.1' : m[1] === '[::]' ? '[::1]' : m[1];
    return `http://${host}:${m[2]}/readyz`;
  }
  return undefined;
}

async function main() {
  const url = readyzUrl(process.env);
  if (url === undefined) {
    process.stderr.write('healthcheck: GREGOR_LISTENERS has no HTTP listener; set HEALTHCHECK_URL\n');
    return 1;
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    process.stdout.write(`${url}: ${res.status}\n`);
    return res.status === 200 ? 0 : 1;
  } catch (err) {
    process.stdout.write(`${url}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // Unhealthy unless proven otherwise: when a peer accepts and then drops the
  // connection, fetch can be left with nothing keeping the event loop alive,
  // and a natural exit would otherwise be 0. The ref'd timer bounds the wait.
  process.exitCode = 1;
  setTimeout(() => {
    process.stdout.write('healthcheck: no answer in time\n');
    process.exit(1);
  }, TIMEOUT_MS + 500);
  main().then((code) => process.exit(code));
}

module.exports = { readyzUrl };
