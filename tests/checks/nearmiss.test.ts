// Near-miss diagnosis in a real sandbox: for each detector, the near-miss state is made the way a
// learner would make it, the check is evaluated, and its message must name the exact difference
// in plain words (no author text, no pattern, no blame).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

/** Messages must read like a colleague's: no regular expression syntax, no blame. */
function assertKind(message: string): void {
  assert.doesNotMatch(message, /\\[dswb]|\(\?[:=!]|\[\^|\.\*|\/[a-z]*$/, `a message shows pattern syntax: ${message}`);
  assert.doesNotMatch(message, /\b(mistake|your fault|you failed|incorrect)\b/i, `a message sounds like blame: ${message}`);
}

describe('near-miss diagnosis', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  const fails = async (check: unknown, message: RegExp) => {
    const result = await c.fails(check, message);
    assertKind(result.message);
    return result;
  };
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
    await sh(server, sandbox, 'docker pull -q busybox >/dev/null');
  });
  after(async () => server && stopAndClean(server));

  it('ports published the wrong way round, or on another host port', async () => {
    await sh(server, sandbox, 'docker run -d --name web -p 80:8080 busybox httpd -f -p 8080 >/dev/null');
    await fails({ kind: 'container', name: 'web', ports: ['8080:80'] }, /it publishes 80:8080 — the ports are the wrong way round: the host port comes first, so it is -p 8080:80\.$/);
    await fails({ kind: 'container', name: 'web', ports: ['81:8080'] }, /it publishes 80→8080, not 81→8080: the container port is right, and the host port is the first number, so it is -p 81:8080/);
  });

  it('the right image with another tag, for containers and for images', async () => {
    await sh(server, sandbox, `mkdir -p tagged && cd tagged && printf 'FROM busybox\\nLABEL version=old\\nCMD ["sleep", "600"]\\n' > Dockerfile && docker build -q -t nginx:1.25 . >/dev/null && docker run -d --name old nginx:1.25 >/dev/null`);
    await fails({ kind: 'container', image: 'nginx:1.26', state: 'running' }, /^No running container from nginx:1\.26 — container 'old' \(running\) is from nginx:1\.25: the right image, but the step wants the tag 1\.26 \(nginx:1\.26\)\.$/);
    await sh(server, sandbox, 'cd tagged && docker build -q -t greeter:latest . >/dev/null');
    await fails({ kind: 'image', name: 'greeter:1.0' }, /^No image greeter:1\.0 — there is greeter:latest, the same image name with another tag: docker tag greeter:latest greeter:1\.0 gives it the tag the step looks for/);
  });

  it('a container name off by a typo, or another name for just what the step asks', async () => {
    await sh(server, sandbox, 'docker run -d --name tiemr busybox sleep 600 >/dev/null');
    await fails({ kind: 'container', name: 'timer', state: 'running' }, /^No running container named 'timer' — there is a container named 'tiemr' \(running\), which is 'timer' with two letters swapped: docker rename tiemr timer gives it the name the step looks for\.$/);
    await sh(server, sandbox, 'docker run -d --name web2 -p 8082:80 -e GREETING=hello busybox httpd -f -p 80 >/dev/null');
    await fails(
      { kind: 'container', name: 'site', state: 'running', ports: ['8082:80'], env: { GREETING: 'hello' } },
      /^No running container named 'site' — there is a running container 'web2' from busybox publishing 8082→80, with GREETING set: it is named web2, not site, and docker rename web2 site gives it the name the step looks for\.$/,
    );
  });

  it('a container that exists but exited: when, the code, what it means, its last line', async () => {
    await sh(server, sandbox, `docker run --name clock busybox sh -c 'echo starting; date +%H:%M:%S' >/dev/null`);
    await fails({ kind: 'container', name: 'clock', state: 'running' }, /^No running container named 'clock' — one with that name exited (just now|\d+ seconds? ago) with code 0: its command finished, and a container stops when its command does; the last line it printed was '\d\d:\d\d:\d\d'\.$/);
    await sh(server, sandbox, 'docker run --name typo busybox notacommand >/dev/null 2>&1 || true');
    await fails({ kind: 'container', name: 'typo', state: 'running' }, /one with that name (was created but never started: Docker could not start it \(exec: "notacommand": executable file not found.*\)|exited .* with code 127: its command was not found in the image)/);
    await sh(server, sandbox, 'docker create --name idle busybox sleep 600 >/dev/null');
    await fails({ kind: 'container', name: 'idle', state: 'running' }, /one with that name was created but never started: docker start idle starts it\./);
  });

  it('a bind mount from another folder, a volume where a folder was meant, a missing :ro', async () => {
    await sh(server, sandbox, `
      mkdir -p site public && echo hi > site/index.html
      docker run -d --name other -v "$PWD/public":/www:ro busybox sleep 600 >/dev/null
      (cd /tmp && mkdir -p site && docker run -d --name elsewhere -v "$PWD/site":/www:ro busybox sleep 600 >/dev/null)
      docker run -d --name named -v site:/www:ro busybox sleep 600 >/dev/null
      docker run -d --name writable -v "$PWD/site":/www busybox sleep 600 >/dev/null`);
    const workspace = (await sh(server, sandbox, 'pwd')).trim();
    await fails({ kind: 'container', name: 'other', mounts: [{ destination: '/www', type: 'bind', source: 'site' }] }, /\/www is mounted from \/\S+\/public, not from a folder named site: the path before the colon is the folder that appears in the container/);
    await fails(
      { kind: 'container', name: 'elsewhere', mounts: [{ destination: '/www', type: 'bind', source: `${workspace}/site` }] },
      /\/www is mounted from \/tmp\/site, a folder named site but not the one the step means \(\/\S+\/site\): "\$PWD\/site" stands for the site folder of wherever the command runs/,
    );
    await fails({ kind: 'container', name: 'named', mounts: [{ destination: '/www', type: 'bind', source: 'site' }] }, /\/www is volume 'site', not a folder of yours: with -v, a name without a slash names a volume, and a folder needs a path, such as -v "\$PWD\/site":\/www/);
    await fails({ kind: 'container', name: 'writable', mounts: [{ destination: '/www', source: 'site', readOnly: true }] }, /\/www is writable, expected read-only \(:ro\): add :ro after the path in the container \(…:\/www:ro\)/);
  });

  it('an environment variable with another case, or a value with quotes kept', async () => {
    await sh(server, sandbox, `
      docker run -d --name ahoy -e greeting=Ahoy busybox sleep 600 >/dev/null
      printf 'GREETING="Ahoy"\\n' > greeting.env
      docker run -d --name quoted --env-file greeting.env busybox sleep 600 >/dev/null`);
    await fails({ kind: 'container', name: 'ahoy', env: { GREETING: 'Ahoy' } }, /it has greeting=Ahoy, and variable names are case-sensitive: the step looks for GREETING \(GREETING=Ahoy\)/);
    await fails({ kind: 'container', name: 'quoted', env: { GREETING: 'Ahoy' } }, /GREETING is '"Ahoy"', expected 'Ahoy': the quotes became part of the value/);
  });

  it('a Compose project started from another folder, a service missing or not healthy', async () => {
    const exec = await server.driver.exec(sandbox, ['bash', '-c', 'docker exec web true 2>&1']);
    assert.equal(exec.exitCode, 0, `docker exec does not work inside the sandbox, so no health check can run there: ${exec.stdout.trim()}`);
    await sh(server, sandbox, `mkdir -p app && cat > app/compose.yaml <<'EOF'
services:
  web:
    image: busybox
    command: ["sleep", "600"]
    healthcheck:
      test: ["CMD", "sh", "-c", "echo cache is not answering yet; exit 1"]
      interval: 1s
      retries: 1
  cache:
    image: busybox
    command: ["sleep", "600"]
EOF
cd app && docker compose up -d --quiet-pull 2>/dev/null`);
    await fails(
      { kind: 'compose', project: 'counter', services: ['web', 'cache'] },
      /^No Compose project 'counter' has containers — there is project 'app' \(started in \/\S+\/app\) with cache and web: Compose names a project after the folder it is started in .*so start it from the folder the step uses, or with -p counter\.$/,
    );
    await fails({ kind: 'compose', project: 'app', services: ['web', 'db'] }, /but it has no service db \(its services are cache and web\)/);
    await fails({ kind: 'compose', project: 'app', services: ['web', 'cahce'] }, /it has no service cahce — it has cache, which is 'cahce' with two letters swapped/);
    const unhealthy = /web is unhealthy; its last health check said 'cache is not answering yet'/;
    const deadline = Date.now() + 30_000;
    let result = await c.run({ kind: 'compose', project: 'app', healthy: ['web'] });
    while (!unhealthy.test(result.message) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      result = await c.run({ kind: 'compose', project: 'app', healthy: ['web'] });
    }
    assert.equal(result.passed, false);
    assert.match(result.message, unhealthy);
    assertKind(result.message);
  });

  it('an image built on another base, or without an expected instruction', async () => {
    await sh(server, sandbox, `mkdir -p tips && cd tips && printf 'FROM busybox\\nCMD echo hi\\n' > Dockerfile && docker build -q -t tips:1 . >/dev/null`);
    await fails({ kind: 'image', name: 'tips:1', base: 'python:3.13-slim' }, /it is not built on python:3\.13-slim but on busybox:latest: the FROM line of its Dockerfile decides, so it is FROM python:3\.13-slim \(then build it again\)/);
    await fails({ kind: 'image', name: 'tips:1', exposedPorts: [5000] }, /it does not EXPOSE 5000\/tcp \(it exposes no ports\): a line EXPOSE 5000 in its Dockerfile declares it \(then build it again\)/);
    await fails({ kind: 'image', name: 'tips:1', cmd: ['echo', 'hi'] }, /^Image tips:1 .* exists, but its CMD is in shell form \(CMD echo hi\), and the step expects the exec form, CMD \["echo", "hi"\]: the same command, run without a shell in between/);
    await fails({ kind: 'image', name: 'tips:1', workdir: '/app' }, /its WORKDIR is '\/', expected '\/app'|its WORKDIR is not set, expected '\/app': a line WORKDIR \/app in its Dockerfile sets it/);
  });

  it('a volume or network named a letter or two off, or by another Compose project', async () => {
    await sh(server, sandbox, 'docker volume create notse >/dev/null && docker volume create app_redis-data >/dev/null && docker network create apnet >/dev/null');
    await fails({ kind: 'volume', name: 'notes' }, /^No volume named 'notes' — there is a volume named 'notse', which is 'notes' with two letters swapped\.$/);
    await fails({ kind: 'volume', name: 'counter_redis-data' }, /there is 'app_redis-data', the same volume of Compose project 'app': Compose names a project after the folder it is started in, and the step's belongs to project 'counter'/);
    await fails({ kind: 'volume', name: 'redis-data' }, /there is 'app_redis-data', the volume redis-data of Compose project 'app'/);
    await fails({ kind: 'network', name: 'appnet' }, /^No network named 'appnet' — there is a network named 'apnet', which is 'appnet' with a letter missing\.$/);
  });
});
