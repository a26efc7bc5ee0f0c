// The package cache, end to end against the real engine, real sandboxes and Debian's mirror:
// a server started online warms it with the packages asked for, and a learner's nested
// `docker build` with the classic `apt-get update && apt-get install -y curl` works from a
// sandbox whose egress is off. Then a server started offline serves the same build from what the
// cache holds, and a package it does not hold fails at once with the cache saying why. From a
// sandbox, nothing reaches past the cache: another host, its report page, an upload, a tunnel.
// Runs alone: it starts the shared image mirror with other package settings, which replaces it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { MIRROR_CONTAINER } from '../../sandbox-server/images/mirror.js';
import { requireEngine } from '../support/engine.js';
import { debsHeld, findInCache, holds } from '../support/package-cache.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, testConfig, type TestServer } from '../support/server.js';

const INSTANCE = 'test-pkgcache';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `npm run doctor`'s line about the package cache, as an operator reads it. */
function doctorSays(env: Record<string, string>): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'sandbox-server/doctor/main.ts'], { cwd: root, encoding: 'utf8', timeout: 180_000, env: { ...process.env, SLIPWAY_INSTANCE: INSTANCE, ...env } });
  const line = result.stdout.split('\n').find((l) => /Package cache/.test(l));
  assert.ok(line, `doctor has a line about the package cache:\n${result.stdout}${result.stderr}`);
  return line.replace(/\s+/g, ' ');
}
const LACKING = 'cowsay';
const UNREACHABLE = 'http://127.0.0.1:9/debian';

/** Removes a package's files from the cache's store. */
async function forget(docker: Docker, name: string): Promise<void> {
  await findInCache(docker, '-name', `${name}_*`, '-delete');
  assert.ok(!holds(await debsHeld(docker), name), `${name} is no longer held`);
}

// The learner's Dockerfile, as tutorials write it: one RUN, no recommends, the lists removed.
const DOCKERFILE = `FROM debian:trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
CMD ["curl", "--version"]
`;

const buildAndRun = (tag: string) => `set -e
mkdir -p ~/fetcher && cd ~/fetcher
cat > Dockerfile <<'EOF'
${DOCKERFILE}EOF
docker build -q -t ${tag} . >/dev/null
docker run --rm ${tag}`;

describe('the package cache for apt in sandboxes', () => {
  let server: TestServer | undefined;
  after(async () => {
    if (server) await stopAndClean(server);
  });

  it('online: warms curl at start, and a nested docker build installs it with egress off', async () => {
    const docker = await requireEngine();
    const mirror = testConfig().debianMirror;
    const answers = await fetch(`${mirror.replace(/\/$/, '')}/dists/trixie/Release`, { method: 'HEAD', signal: AbortSignal.timeout(10_000) }).then((r) => r.ok, () => false);
    assert.ok(answers, `this test fetches through Debian's mirror (${mirror}), which must answer`);
    server = await startTestServer({ SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_PACKAGES: 'online', SLIPWAY_WARM_APT: 'curl' });
    assert.equal(server.config.egress, false, 'sandboxes have no egress');
    assert.equal(server.driver.describe().packages, 'online');
    const held = await debsHeld(docker);
    assert.ok(holds(held, 'curl') && holds(held, 'libcurl4t64'), `warming fetched curl and its libraries: ${held.join(', ')}`);

    assert.match(doctorSays({ SLIPWAY_WARM_APT: 'curl' }), /^ok Package cache online \(fetches from the Debian mirror and keeps\), 127\.0\.0\.1:\d+; holds \d+ package\(s\), [\d.]+ \w+: .*\bcurl\b/);

    const id = await newSandbox(server);
    assert.match(await sh(server, id, buildAndRun('fetcher:online'), 600_000), /^curl 8\./m);
  });

  it('lets a sandbox reach nothing but Debian\'s archive through it: no other host, no report page, no upload', async () => {
    assert.ok(server, 'the online server started');
    const id = await newSandbox(server);
    // The HTTP status, or 000 when the cache closed the connection without one.
    const status = (args: string) => sh(server!, id, `curl -s -o /dev/null -w '%{http_code}' --max-time 10 ${args} || true`);
    assert.match(await status(`-H 'Host: example.com' http://deb.debian.org/index.html`), /^4\d\d$/, 'a request for another host is refused');
    assert.match(await status(`http://deb.debian.org/example.com/index.html`), /^4\d\d$/, 'a path naming another host is refused');
    assert.match(await status(`http://deb.debian.org/acng-report.html`), /^4\d\d$/, 'no report or maintenance page');
    const tunnel = await sh(server!, id, `curl -s -o /dev/null -w '%{http_connect}' --max-time 10 -p -x http://deb.debian.org:80 https://deb.debian.org/ || true`);
    assert.match(tunnel, /^4\d\d$/, `no tunnel (CONNECT) through it: ${tunnel}`);
    assert.match(await status(`-X PUT --data poison http://deb.debian.org/debian/pool/main/c/curl/curl_0.0-0_amd64.deb`), /^[045]\d\d$/, 'no upload');
    assert.match(await status(`-X DELETE http://deb.debian.org/debian/dists/trixie/InRelease`), /^[045]\d\d$/, 'no removal');
    assert.equal(await findInCache(await requireEngine(), '-name', '*0.0-0*'), '', 'nothing uploaded is held');
    // The archive itself answers, so the refusals above are the cache's, not a dead port.
    assert.equal(await status(`http://deb.debian.org/debian/dists/trixie/InRelease`), '200');
  });

  it('offline: serves the same build from what it holds, and refuses a package it lacks at once, saying so', async () => {
    if (server) await stopAndClean(server);
    server = undefined;
    // The package this test asks for and the cache must lack. The cache is the engine's and
    // outlives runs: an earlier run, or another installation online, may have fetched it.
    const docker = await requireEngine();
    // The cache's upstream made unreachable (a closed port on loopback), and auto left to find out.
    server = await startTestServer({ SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_PACKAGES: 'auto', SLIPWAY_DEBIAN_MIRROR: UNREACHABLE, SLIPWAY_WARM_APT: 'curl' });
    await forget(docker, LACKING);
    assert.equal(server.driver.describe().packages, 'offline', 'auto finds the Debian mirror unreachable');
    assert.ok((await docker.getContainer(MIRROR_CONTAINER).inspect()).Config.Env?.includes(`PACKAGES_UPSTREAM=${UNREACHABLE}/`), 'the cache itself is pointed at the unreachable mirror');
    const id = await newSandbox(server);
    assert.match(await sh(server, id, buildAndRun('fetcher:offline'), 600_000), /^curl 8\./m);

    assert.match(doctorSays({ SLIPWAY_WARM_APT: `curl ${LACKING}` }), new RegExp(`^warn Package cache offline \\(serves only what it holds\\).*; lacks ${LACKING}, which the lessons or SLIPWAY_WARM_APT install`));

    const missing = await server.driver.exec(id, ['bash', '-c', `docker run --rm debian:trixie-slim sh -c 'apt-get update -q && s=$(date +%s%N) && { apt-get install -y ${LACKING}; e=$?; echo "install took $(( ($(date +%s%N) - s) / 1000000 )) ms"; exit $e; }' 2>&1`], { timeoutMs: 300_000 });
    assert.notEqual(missing.exitCode, 0, 'installing a package the cache lacks fails');
    assert.match(missing.stdout, /503\s+Unable to download in offline mode/, `apt says the cache is offline and lacks it:\n${missing.stdout.slice(-1500)}`);
    // How long the refusal took, for a person to read (speed is measured by npm run bench, not here).
    console.log(`  a package the cache lacks: apt-get ${/install took \d+ ms/.exec(missing.stdout)?.[0] ?? 'took an unknown time'}`);
    assert.doesNotMatch(missing.stdout, /Temporary failure resolving|Could not connect|timed out/i, 'it is the cache that answers, not a failed lookup or connection');
  });
});
