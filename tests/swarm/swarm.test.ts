// Sandboxes on a real Docker Swarm: the three-node fixture (support/fixture.ts) on this machine,
// started once for the file. First the fixture itself: one manager and two workers, all Ready,
// labelled for sandboxes, each holding the sandbox image. Then a whole Slipway server chosen by
// configuration (SLIPWAY_DRIVER=swarm), its learners on the workers: each node given the images,
// its own mirror and the lessons' packages in its cache; lesson 1 typed in Chromium turning green
// by itself; the instructor's dashboard naming a learner's node; an image pushed by one learner
// pulled by another on the other node, and nobody writing into another's namespace; a learner's
// app opened in the web preview through its node, leaving no relay behind; doctor's view of the
// swarm; a fork bomb and a memory hog contained and told. Then the driver's
// core: sandboxes spread over the nodes and an honest "full" answer past the swarm's room;
// commands, a shell, files, limits and the inner engine three levels deep; sandboxes kept apart
// on one node and across nodes; adoption by a restarted server; sandboxes made again after their
// node's engine restarted; a drained node left alone; a lost node noticed; removal leaving
// nothing on the nodes; `npm run clean` removing the installation from the nodes that answer and
// naming the lost one. Last, the fixture leaves nothing on this machine's engine.
// Heavy: three nested engines and their sandboxes run for minutes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { lessonSchema } from '../../lessons/schema.js';
import { listInstallation } from '../../sandbox-server/clean/installation.js';
import { BASE_TAG } from '../../sandbox-server/images/base.js';
import { expectedTag } from '../../sandbox-server/images/build.js';
import { LABEL } from '../../sandbox-server/labels.js';
import { createLogger } from '../../sandbox-server/log.js';
import { SANDBOX_NODE_LABEL, SwarmSandboxDriver } from '../../sandbox-server/sandboxes/swarm/driver.js';
import { EventStream } from '../checks/support/events.js';
import { call, cookieOf, startedWorkshop } from '../classroom/support.js';
import { launchBrowser, screenshot, waitForScreen, waitForStepDone } from '../support/browser.js';
import { driverContract } from '../support/driver-contract.js';
import { requireEngine } from '../support/engine.js';
import { debsHeld, holds } from '../support/package-cache.js';
import { startTestServer, stopAndClean, testConfig, type TestServer } from '../support/server.js';
import { recordTestInstance } from '../support/test-run.js';
import { TermClient } from '../terminal/support/client.js';
import { eventually } from '../terminal/support/wait.js';
import { echoOverWebSocket } from '../preview/support.js';
import { startSwarmFixture, type SwarmFixture } from './support/fixture.js';

const LESSONS = path.resolve('lessons');
/** The preview tests' app (cookies, streams, a WebSocket), served from a sandbox on a worker. */
const PREVIEW_APP = fs.readFileSync(path.resolve('tests/preview/app.py'), 'utf8');
/** A swarm node's spec, as the Engine API gives it and takes it back. */
type NodeSpec = Record<string, unknown> & { Labels?: Record<string, string> };
/** The server's sandboxes' process limit: small, so a fork bomb reaches it at once. */
const PIDS = 200;
/** This file's own fixture: a name apart from the one a person may have up by hand. */
const INSTANCE = `sw${process.pid.toString(36)}`;

describe('a swarm of three nodes on this machine', { timeout: 360_000 }, () => {
  let fixture: SwarmFixture;

  before(async () => {
    await requireEngine();
    recordTestInstance(INSTANCE);
    fixture = await startSwarmFixture({ instance: INSTANCE });
  });
  after(async () => {
    await fixture?.dispose();
  });

  it('has one manager and two workers, all Ready, labelled for sandboxes, holding the sandbox image', async () => {
    assert.deepEqual(fixture.nodes.map((n) => n.role), ['manager', 'worker', 'worker']);
    const nodes = (await fixture.manager.docker.listNodes()) as Array<{ ID: string; Spec: { Role: string; Labels?: Record<string, string> }; Status: { State: string } }>;
    assert.equal(nodes.length, 3);
    for (const node of nodes) {
      assert.equal(node.Status.State, 'ready', node.ID);
      assert.equal(node.Spec.Labels?.[SANDBOX_NODE_LABEL], 'true', node.ID);
    }
    for (const node of fixture.nodes) await node.docker.getImage(fixture.image).inspect();
  });

  /** Changes a node's spec as an operator does with docker node update (labels, availability). */
  const updateNode = async (node: { id: string }, change: (spec: NodeSpec) => NodeSpec) => {
    const info = (await fixture.manager.docker.getNode(node.id).inspect()) as { Version: { Index: number }; Spec: NodeSpec };
    await fixture.manager.docker.getNode(node.id).update({ version: info.Version.Index, ...change(info.Spec) });
  };
  /** Labels a node for sandboxes, or takes the label off. */
  const labelForSandboxes = (node: { id: string }, on: boolean) =>
    updateNode(node, (spec) => {
      const labels = { ...(spec.Labels ?? {}) };
      if (on) labels[SANDBOX_NODE_LABEL] = 'true';
      else delete labels[SANDBOX_NODE_LABEL];
      return { ...spec, Labels: labels };
    });

  describe('a Slipway server on the swarm driver, its learners on the workers', () => {
    let server: TestServer;
    let swarmDriver: SwarmSandboxDriver;
    let browser: Browser;
    let page: Page;
    let cookie: string;
    let events: EventStream | undefined;

    before(async () => {
      // Learners' sandboxes go to the workers here: the manager takes none until this part ends.
      await labelForSandboxes(fixture.manager, false);
      // One node lacks the sandbox image, which the server copies to it.
      await fixture.nodes[2]!.docker.getImage(fixture.image).remove();
      // Chosen by configuration, as an operator would: the manager's and the nodes' engines by
      // their sockets.
      server = await startTestServer({
        SLIPWAY_INSTANCE: INSTANCE,
        SLIPWAY_LESSONS_DIR: LESSONS,
        SLIPWAY_SANDBOX_MEMORY: '512m',
        SLIPWAY_SANDBOX_PIDS: String(PIDS),
        SLIPWAY_DRIVER: 'swarm',
        SLIPWAY_SWARM_MANAGER: `unix://${fixture.manager.socketPath}`,
        SLIPWAY_SWARM_NODES: fixture.nodes.map((n) => `${n.hostname}=unix://${n.socketPath}`).join(','),
        SLIPWAY_SWARM_ADVERTISE: fixture.hostAddress,
        SLIPWAY_PREVIEW_PORTS: '4500-4503',
        // Online, so that the nodes' caches fetch the lessons' packages at start (CI reaches Debian's mirror).
        SLIPWAY_PACKAGES: 'online',
      });
      assert.ok(server.driver instanceof SwarmSandboxDriver, `SLIPWAY_DRIVER=swarm made a ${server.driver.kind} driver`);
      swarmDriver = server.driver;
      browser = await launchBrowser('lessons');
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (err) => console.log(`  page error: ${err.message}`));
    });
    after(async () => {
      events?.close();
      await browser?.close();
      if (server) await stopAndClean(server);
      await labelForSandboxes(fixture.manager, true);
    });

    it("copied the sandbox image to the node that lacked it, gave each node its image mirror with the stand-ins and the lessons' packages, and counts the workers' room", async () => {
      await fixture.nodes[2]!.docker.getImage(fixture.image).inspect();
      for (const node of fixture.nodes.slice(1)) {
        assert.equal((await node.docker.getContainer('slipway-mirror').inspect()).State.Running, true, `the mirror on ${node.hostname}`);
        // The stand-ins reach the node's mirror as this machine's mirror holds them, not as images.
        const standins = (await node.docker.listImages()).flatMap((image) => image.RepoTags ?? []).filter((tag) => tag.startsWith('slipway/standin-'));
        assert.deepEqual(standins, [], `${node.hostname} holds no stand-in image`);
      }
      // The lessons' apt packages (lesson 3's curl), fetched ahead of class into each worker's own
      // package cache: a learner's apt reaches only their node's.
      for (const node of fixture.nodes.slice(1)) {
        const held = await debsHeld(node.docker);
        assert.ok(holds(held, 'curl'), `${node.hostname}'s package cache holds curl: ${held.join(', ') || 'nothing'}`);
      }
      assert.equal(swarmDriver.describe().driver, 'swarm');
      // The room is the workers': two CPUs each, one reserved per sandbox.
      const capacity = server.classroom.capacity();
      assert.equal(capacity.total, 4, capacity.computation.join('\n'));
      assert.match(capacity.computation[0]!, /node2 .*node3/);
    });

    it('lesson 1 in Chromium: the first steps, typed into a sandbox on a worker, turn green by themselves', async () => {
      const lesson = lessonSchema.parse(parse(/^---\n([\s\S]*?)\n---/.exec(fs.readFileSync(path.join(LESSONS, '01-hello-containers', 'index.mdx'), 'utf8'))![1]!));
      await page.goto(`${server.url}/lessons/${lesson.slug ?? 'hello-containers'}/`);
      await page.waitForSelector('slipway-terminal[data-state="connected"]', { timeout: 60_000 });
      await waitForScreen(page, /#\s*$/, 60_000);
      const session = (await page.context().cookies()).find((c) => c.name === 'slipway_session')!;
      cookie = `${session.name}=${session.value}`;
      const { sandbox } = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } };
      const node = fixture.nodes.find((n) => n.hostname === swarmDriver.nodeOf(sandbox.id));
      assert.equal(node?.role, 'worker', `the sandbox runs on ${swarmDriver.nodeOf(sandbox.id)}`);
      for (const step of lesson.steps.slice(0, 2)) {
        await page.locator('slipway-terminal .terminal-screen').click();
        for (const command of step.solution) {
          await page.keyboard.type(command);
          await page.keyboard.press('Enter');
        }
        // hello-world and debian come from the image mirror on the worker.
        await waitForStepDone(page, step.id, 120_000);
      }
      assert.match(await page.locator('.step-count').innerText(), /^2 of \d+ done$/);
      await screenshot(page, 'swarm-lesson1-on-a-worker');
    });

    it("names on the instructor's dashboard the node a learner's sandbox runs on", async () => {
      const { instructor, workshop } = await startedWorkshop(server, { title: 'A class on the swarm', lessons: ['hello-containers'], expectedSize: 2, sessionMinutes: 60 });
      const joined = await call(server, 'POST', '/api/classroom/join', { body: { code: workshop.code, name: 'Grace' } });
      assert.equal(joined.status, 200, joined.text);
      const made = await call(server, 'POST', '/api/session/sandbox', { cookie: cookieOf(joined, 'slipway_session') });
      assert.equal(made.status, 200, made.text);
      const id = (made.body as { sandbox: { id: string } }).sandbox.id;
      const dashboard = (await call(server, 'GET', `/api/instructor/workshops/${workshop.id}`, { cookie: instructor })).body as { learners: Array<{ name: string; sandbox: { id: string; machine: string | null } | null }> };
      const grace = dashboard.learners.find((l) => l.name === 'Grace');
      assert.equal(grace?.sandbox?.id, id);
      assert.equal(grace!.sandbox!.machine, swarmDriver.nodeOf(id));
      assert.match(grace!.sandbox!.machine ?? '', /^node[23]$/, 'a worker, by its name');
      // The class ends, and its sandbox with it: the room is the other learners'.
      assert.equal((await call(server, 'POST', `/api/instructor/workshops/${workshop.id}/end`, { cookie: instructor, body: { confirm: true } })).status, 200);
      await eventually("Grace's sandbox to be removed", async () => !(await swarmDriver.list()).some((s) => s.id === id), 60_000, 250);
    });

    it("lets a learner pull, on another node, the image another pushed into their namespace, and nobody write into another's", async () => {
      const sandboxOf = async (of: string) => ((await (await fetch(`${server.url}/api/session`, { headers: { cookie: of } })).json()) as { sandbox: { id: string } }).sandbox.id;
      const ada = await sandboxOf(cookie);
      // Another learner, until one lands on the other worker.
      let bob: string | undefined;
      for (let tries = 0; tries < 3 && !bob; tries++) {
        const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        const other = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
        assert.equal((await fetch(`${server.url}/api/lessons/hello-containers/open`, { method: 'POST', headers: { cookie: other } })).status, 200);
        const id = await sandboxOf(other);
        if (swarmDriver.nodeOf(id) !== swarmDriver.nodeOf(ada)) bob = id;
      }
      assert.ok(bob, 'a second learner on the other worker');
      const registry = `registry.workshop:${server.config.mirrorPort}`;
      const run = async (id: string, script: string) => swarmDriver.exec(id, ['bash', '-c', script], { timeoutMs: 120_000 });
      const adaSpace = (await run(ada, 'echo $ME')).stdout.trim();
      assert.ok(adaSpace, "Ada's shell knows her namespace");
      const pushed = await run(ada, `docker pull -q busybox && docker tag busybox ${registry}/$ME/hello:1 && docker push -q ${registry}/$ME/hello:1`);
      assert.equal(pushed.exitCode, 0, `Ada's push: ${pushed.stdout}${pushed.stderr}`);
      const pulled = await run(bob!, `docker pull -q ${registry}/${adaSpace}/hello:1 && docker run --rm ${registry}/${adaSpace}/hello:1 echo from-ada`);
      assert.equal(pulled.exitCode, 0, `Bob's pull on ${swarmDriver.nodeOf(bob!)}: ${pulled.stdout}${pulled.stderr}`);
      assert.match(pulled.stdout, /from-ada/);
      const intruded = await run(bob!, `docker tag ${registry}/${adaSpace}/hello:1 ${registry}/${adaSpace}/hello:2 && docker push ${registry}/${adaSpace}/hello:2`);
      assert.notEqual(intruded.exitCode, 0, "Bob pushed into Ada's namespace");
      assert.match(intruded.stdout + intruded.stderr, /denied/);
      // The relay on the node speaks for sandboxes; they cannot reach the server's gate themselves.
      const direct = await run(ada, `timeout 4 bash -c 'exec 3<>/dev/tcp/${fixture.hostAddress}/${server.config.mirrorPort}'`);
      assert.notEqual(direct.exitCode, 0, "a sandbox reached the server's gate past its node's relay");
    });

    it("opens a learner's app on a worker in the web preview, through its node, with WebSockets, and says when nothing answers", async () => {
      const ada = ((await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } }).sandbox.id;
      const started = await swarmDriver.exec(ada, ['bash', '-c', `mkdir -p /root/app && cat > /root/app/app.py <<'PY'\n${PREVIEW_APP}\nPY\ndocker run -d --name app -p 8000:5000 -v /root/app:/app python:3.13-slim python3 /app/app.py >/dev/null && for i in $(seq 1 100); do curl -fs localhost:8000/echo >/dev/null && exit 0; sleep 0.2; done; docker logs app; exit 1`], { timeoutMs: 180_000 });
      assert.equal(started.exitCode, 0, `the app in the sandbox on ${swarmDriver.nodeOf(ada)}: ${started.stdout}${started.stderr}`);
      const open = async (port: number) => {
        const made = await fetch(`${server.url}/api/session/preview`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ port }) });
        assert.equal(made.status, 200, await made.clone().text());
        const { url } = (await made.json()) as { url: string };
        const first = await fetch(url, { redirect: 'manual' });
        assert.equal(first.status, 303, await first.text());
        return { origin: new URL(url).origin, grant: (first.headers.get('set-cookie') ?? '').split(';')[0]! };
      };
      const { origin, grant } = await open(8000);
      const home = await fetch(`${origin}/`, { headers: { cookie: grant } });
      assert.equal(home.status, 200);
      assert.equal(await home.text(), 'hello from the sandbox');
      assert.equal(home.headers.get('set-cookie'), `pv${new URL(origin).port}_sid=abc; Path=/; HttpOnly`);
      const echo = await fetch(`${origin}/echo`, { headers: { cookie: [grant, cookie, `pv${new URL(origin).port}_sid=abc`].join('; ') } });
      assert.equal(await echo.text(), 'cookie=sid=abc', "the app gets its own cookie and none of Slipway's");
      const big = await fetch(`${origin}/big/3000000`, { headers: { cookie: grant } });
      assert.equal((await big.arrayBuffer()).byteLength, 3_000_000);
      const { echoed, socket } = await echoOverWebSocket(origin, grant, 'ping through the node');
      // Gone at once (the app answers no closing handshake): its relay must end with it.
      socket.terminate();
      assert.equal(echoed, 'ping through the node');
      // The engine's own port is never previewed; a port where nothing listens gets the clear page.
      const reserved = await fetch(`${server.url}/api/session/preview`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ port: 2375 }) });
      assert.equal(reserved.status, 400);
      const empty = await open(9999);
      const nothing = await fetch(`${empty.origin}/`, { headers: { cookie: empty.grant } });
      assert.equal(nothing.status, 502);
      assert.match(await nothing.text(), /Nothing answers on port 9999 in your sandbox/);
      // Each connection's relay in the sandbox ends with it: none is left once the kept ones close.
      // (A relay is its bash and two cats; nothing else in this sandbox runs cat.)
      const relays = async () => (await swarmDriver.exec(ada, ['bash', '-c', "echo $(( $(pgrep -fc '[s]lipway-preview-relay') + $(pgrep -xc cat) ))"])).stdout.trim();
      await eventually('the relays in the sandbox to end', async () => (await relays()) === '0', 20_000, 500).catch(async (err: Error) => assert.fail(`${err.message}: ${await relays()} processes left:\n${(await swarmDriver.exec(ada, ['ps', '-eo', 'pid,ppid,stat,args'])).stdout}`));
    });

    it('doctor checks the swarm: the manager, each node for sandboxes, and names a node it cannot reach', async () => {
      const doctor = (nodes: string) =>
        new Promise<string>((resolve) => {
          const env = { ...process.env, SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_DATA_DIR: server.dataDir, PORT: '0', SLIPWAY_DRIVER: 'swarm', SLIPWAY_SWARM_MANAGER: `unix://${fixture.manager.socketPath}`, SLIPWAY_SWARM_NODES: nodes, SLIPWAY_SWARM_ADVERTISE: fixture.hostAddress };
          execFile(process.execPath, ['--import', 'tsx', 'sandbox-server/doctor/main.ts'], { env, timeout: 60_000 }, (_err, stdout) => resolve(stdout));
        });
      const all = fixture.nodes.map((n) => `${n.hostname}=unix://${n.socketPath}`).join(',');
      const said = await doctor(all);
      assert.match(said, /^ok +Swarm manager +unix:\/\/.*a swarm of 3 node\(s\), 1 manager\(s\)$/m);
      for (const hostname of ['node2', 'node3']) assert.match(said, new RegExp(`^ok +Swarm node ${hostname} +Docker Engine .*icc off, image mirror running$`, 'm'), said);
      assert.match(said, /^ok +Workshop registry /m);
      const missing = await doctor(all.split(',').filter((entry) => !entry.startsWith('node3=')).join(','));
      assert.match(missing, /^FAIL +Swarm node node3 +SLIPWAY_SWARM_NODES names no endpoint for its engine$/m, missing);
    });

    it('holds a fork bomb at the limit and stops it, kills a memory hog at the limit, and tells the learner each', async () => {
      await page.close();
      events = await EventStream.open(`${server.url}/api/session/events`, cookie);
      const session = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } };
      const id = session.sandbox.id;
      const notice = (kind: string) => (e: { event: string; data: unknown }) => e.event === 'notice' && (e.data as { kind?: string }).kind === kind;
      const term = await TermClient.connect(server.url, { cookie, cols: 120, rows: 30 });
      try {
        await term.waitFor(/workshop.*# $/);
        term.type(':(){ :|:& };:\r');
        await events!.waitFor('a pids_limit notice', notice('pids_limit'), 60_000);
        const held = await swarmDriver.capabilities.signals!.read(id);
        assert.ok(held?.pids && held.pids.current > PIDS / 2 && held.pids.current <= PIDS, `held at the limit: ${JSON.stringify(held?.pids)}`);
        const stopped = await events!.waitFor('a runaway_stopped notice', notice('runaway_stopped'), 60_000);
        assert.match((stopped.data as { message: string }).message, new RegExp(`limit of ${PIDS} processes`));
        // The learner's own shell lives on and starts programs again.
        term.type('\renv echo alive-$((40+2))\r');
        await term.waitFor(/alive-42/, 30_000);
        const after = await swarmDriver.capabilities.signals!.read(id);
        assert.ok(after!.pids!.current < PIDS / 2, `the bomb's processes stayed: ${after!.pids!.current}`);
      } finally {
        await term.close();
      }
      const hog = await swarmDriver.exec(id, ['bash', '-c', 'head -c 1200m /dev/zero | tail -n 1 > /dev/null'], { timeoutMs: 120_000 });
      assert.notEqual(hog.exitCode, 0, 'reading 1200 MiB into memory in a 512 MiB sandbox was not stopped');
      const oom = await events!.waitFor('an out_of_memory notice', notice('out_of_memory'), 60_000);
      assert.match((oom.data as { message: string }).message, /all of its 512 MiB of memory/);
      assert.ok((await swarmDriver.engine(id).ping()).toString().includes('OK'), "the sandbox's engine died with the hog");
    });
  });

  describe('the swarm driver', () => {
    const config = { ...testConfig({ SLIPWAY_SANDBOX_MEMORY: '512m' }), instance: INSTANCE };
    let driver: SwarmSandboxDriver;
    const made: string[] = [];
    const endpoints = () => ({ manager: fixture.manager.docker, node: ({ hostname }: { hostname: string }) => fixture.nodes.find((n) => n.hostname === hostname)?.docker });
    const newDriver = () => new SwarmSandboxDriver({ config, endpoints: endpoints(), builder: new Docker(), log: createLogger('silent') });

    before(() => {
      driver = newDriver();
    });
    after(async () => {
      await Promise.all(made.map((id) => driver.destroy(id).catch(() => undefined)));
    });

    it('checks the swarm before use and says what it found', async () => {
      const lines: string[] = [];
      await driver.prepare((line) => lines.push(line));
      assert.match(lines.join('\n'), /swarm of 3 nodes, 3 ready for sandboxes/);
      const description = driver.describe() as unknown as { nodes: Array<{ hostname: string; state: string }> };
      assert.deepEqual(description.nodes.map((n) => n.state), ['ready', 'ready', 'ready']);
    });

    driverContract('swarm, on the three-node fixture', () => ({
      driver,
      restarted: newDriver,
      async leftovers(id) {
        const filters = JSON.stringify({ label: [`${LABEL.instance}=${INSTANCE}`, `${LABEL.sandbox}=${id}`] });
        const services = (await fixture.manager.docker.listServices({ filters })) as Array<{ Spec: { Name: string } }>;
        const volumes = await Promise.all(fixture.nodes.map(async (node) => ((await node.docker.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name} on ${node.hostname}`)));
        return [...services.map((s) => `service ${s.Spec.Name}`), ...volumes.flat()];
      },
    }));

    it('places six sandboxes over the nodes, each with its engine answering, and refuses a seventh as full', async () => {
      const ids = Array.from({ length: 6 }, (_, i) => `sbx-${i}`);
      made.push(...ids);
      await Promise.all(ids.map((id) => driver.create(id)));
      const placed = new Set(ids.map((id) => driver.nodeOf(id)));
      assert.ok(placed.size >= 2, `spread over ${placed.size} node(s): ${ids.map((id) => driver.nodeOf(id)).join(', ')}`);
      assert.deepEqual((await driver.list()).filter((s) => s.running).map((s) => s.id).sort(), ids);
      // Each node advertises two CPUs and each sandbox reserves one: six fill the swarm.
      const started = Date.now();
      await assert.rejects(driver.create('sbx-extra'), (err: Error & { code?: string }) => err.code === 'capacity' && /full/.test(err.message));
      assert.ok(Date.now() - started < 20_000, 'the full swarm is told within seconds');
      assert.ok(!(await driver.list()).some((s) => s.id === 'sbx-extra'), 'nothing is left of the refused sandbox');
    });

    it('runs a sandbox on a worker within its limits, and containers three levels deep', async () => {
      const id = made.find((m) => fixture.nodes.find((n) => n.hostname === driver.nodeOf(m))?.role === 'worker')!;
      assert.ok(id, 'a sandbox on a worker');
      // Its limits, as the node that runs it applied them.
      const node = fixture.nodes.find((n) => n.hostname === driver.nodeOf(id))!;
      const [container] = await node.docker.listContainers({ filters: JSON.stringify({ label: [`io.slipway.sandbox=${id}`] }) });
      const limits = await node.docker.getContainer(container!.Id).inspect();
      assert.equal(limits.HostConfig.Memory, config.sandboxMemory, 'the memory limit applied');
      assert.equal(limits.HostConfig.PidsLimit, config.sandboxPids, 'the process limit applied');

      // The sandbox's own engine, three levels deep, through the driver's tunnel: an image
      // streamed in, a container run, its output and its event read back.
      const engine = driver.engine(id);
      assert.deepEqual(await engine.listContainers({ all: true }), [], 'the inner engine answers, with nothing in it yet');
      const host = new Docker();
      const hello = (await expectedTag(host, 'standins/hello-world', 'slipway/standin-hello-world', BASE_TAG))!;
      const loaded = await engine.loadImage(await host.getImage(hello).get());
      await new Promise<void>((resolve, reject) => engine.modem.followProgress(loaded, (err: Error | null) => (err ? reject(err) : resolve())));
      const since = Math.floor(Date.now() / 1000) - 1;
      const greeter = await engine.createContainer({ Image: hello, name: 'greeter' });
      await greeter.start();
      assert.equal((await greeter.wait()).StatusCode, 0);
      assert.match((await greeter.logs({ stdout: true, stderr: true })).toString('utf8'), /Hello from Docker!/);
      const events = (await engine.getEvents({ since, until: Math.floor(Date.now() / 1000) + 1, filters: JSON.stringify({ container: ['greeter'], event: ['die'] }) })) as unknown as NodeJS.ReadableStream;
      let seen = '';
      for await (const chunk of events) seen += String(chunk);
      assert.match(seen, /"status":"die"/, 'the event stream tells the container ended');
    });

    it("keeps sandboxes apart: none reaches another, on its node or another, nor a node's port but the mirror's", async () => {
      const on = (hostname: string) => made.filter((id) => driver.nodeOf(id) === hostname);
      const [a, b] = on('node1');
      const [c] = on('node2');
      assert.ok(a && b && c, 'two sandboxes on node1 and one on node2');
      const bridgeOf = async (id: string) => {
        const node = fixture.nodes.find((n) => n.hostname === driver.nodeOf(id))!;
        const [container] = await node.docker.listContainers({ filters: JSON.stringify({ label: [`io.slipway.sandbox=${id}`] }) });
        return (await node.docker.getContainer(container!.Id).inspect()).NetworkSettings.Networks.bridge!;
      };
      const [bridgeA, bridgeB, bridgeC] = await Promise.all([a, b, c].map(bridgeOf));
      // Something listening everywhere a sandbox might try: in sandboxes B and C, and on the hosts
      // of node1 and node2, on a port of no service. The node's image mirror listens on its own.
      const port = 9999;
      const listener = `use IO::Socket::INET; for my $p (@ARGV) { next if fork; my $s = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $p, Listen => 5, ReuseAddr => 1) or die "$p: $!"; while (my $c = $s->accept) { print $c "open $p\n"; close $c } exit } sleep 1 while 1;`;
      for (const id of [b!, c!]) await driver.exec(id, ['sh', '-c', `nohup perl -e "$1" ${port} >/dev/null 2>&1 &`, 'sh', listener]);
      const hostListeners = await Promise.all(
        fixture.nodes.slice(0, 2).map(async (node) => {
          const container = await node.docker.createContainer({ Image: fixture.image, Entrypoint: ['perl', '-e', listener, String(port)], Labels: { 'io.slipway.instance': INSTANCE }, HostConfig: { NetworkMode: 'host' } });
          await container.start();
          return container;
        }),
      );
      const reach = async (from: string, address: string, to: number) => {
        const probe = await driver.exec(from, ['timeout', '4', 'bash', '-c', `exec 3<>/dev/tcp/${address}/${to} && head -n 1 <&3`]);
        return probe.exitCode === 0 && probe.stdout.includes(`open ${to}`);
      };
      try {
        await eventually('the listeners to open', async () => (await reach(b!, '127.0.0.1', port)) && (await reach(c!, '127.0.0.1', port)), 10_000);
        const node2 = fixture.nodes[1]!;
        const mirror = await driver.exec(a!, ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '4', `http://${bridgeA!.Gateway}:${config.mirrorPort + 1}/v2/`]);
        assert.equal(mirror.stdout, '200', `its node's image mirror answers: ${mirror.stderr}`);
        assert.equal(await reach(a!, bridgeA!.Gateway, port), false, 'another port of its node');
        assert.equal(await reach(a!, bridgeA!.Gateway, 2377), false, "its node's swarm port");
        assert.equal(await reach(a!, bridgeB!.IPAddress, port), false, 'a sandbox on the same node');
        assert.equal(await reach(a!, bridgeC!.IPAddress, port), false, 'a sandbox on another node');
        assert.equal(await reach(a!, node2.address, port), false, 'another node');
        assert.equal(await reach(a!, node2.address, 2377), false, "another node's swarm port");
      } finally {
        await Promise.all(hostListeners.map((container) => container.remove({ force: true })));
      }
    });

    it("makes its sandboxes again on their node after the node's engine restarted, with their files and images", async () => {
      const onNode2 = made.filter((id) => driver.nodeOf(id) === 'node2');
      assert.equal(onNode2.length, 2);
      const [id] = onNode2;
      await driver.exec(id!, ['sh', '-c', 'echo kept > /root/workshop/kept.txt']);
      await driver.engine(id!).createVolume({ Name: 'learners-data' });
      const restart = driver.capabilities.restart!;
      assert.equal(await restart.whyStopped(id!), undefined, 'it runs');
      await restart.recoverRestart();
      const node2 = fixture.nodes.find((n) => n.hostname === 'node2')!;
      await new Docker().getContainer(node2.container).restart({ t: 5 });
      await eventually('the sandboxes on node2 to stop', async () => (await driver.list()).filter((s) => onNode2.includes(s.id)).every((s) => !s.running), 60_000, 500);
      const why = await restart.whyStopped(id!);
      assert.ok(why && !why.unreachable, `node2 is back, so its sandbox is not lost: ${JSON.stringify(why)}`);
      await eventually("node2's engine restart to be noticed", () => restart.recoverRestart(), 60_000, 500);
      await Promise.all(onNode2.map((sandbox) => restart.revive(sandbox)));
      for (const sandbox of onNode2) assert.equal(driver.nodeOf(sandbox), 'node2', 'made again next to its volumes');
      assert.deepEqual((await driver.list()).filter((s) => onNode2.includes(s.id)).map((s) => s.running), [true, true]);
      assert.equal((await driver.exec(id!, ['cat', '/root/workshop/kept.txt'])).stdout, 'kept\n', 'its workspace kept');
      const { Volumes: volumes = [] } = await driver.engine(id!).listVolumes();
      assert.ok(volumes.some((v) => v.Name === 'learners-data'), "its engine's data kept");
    });

    /** Sets a node's availability (active, drain) as an operator does with docker node update. */
    const setAvailability = (hostname: string, availability: 'active' | 'drain') => updateNode(fixture.nodes.find((n) => n.hostname === hostname)!, (spec) => ({ ...spec, Availability: availability }));

    it('places nothing on a drained node, even with room there', async () => {
      const onNode2 = made.filter((id) => driver.nodeOf(id) === 'node2');
      assert.equal(onNode2.length, 2, 'node2 is full');
      await Promise.all(onNode2.map((id) => driver.destroy(id)));
      made.splice(0, made.length, ...made.filter((id) => !onNode2.includes(id)));
      await setAvailability('node2', 'drain');
      try {
        await assert.rejects(driver.create('sbx-drained'), (err: Error & { code?: string }) => err.code === 'capacity', 'node2 has room but is drained');
      } finally {
        await setAvailability('node2', 'active');
      }
      made.push('sbx-after-drain');
      await driver.create('sbx-after-drain');
      assert.equal(driver.nodeOf('sbx-after-drain'), 'node2', 'back in use once active');
    });

    it('notices a lost node: its sandboxes stop counting as running, the others go on', async () => {
      const lost = made.filter((id) => driver.nodeOf(id) === 'node3');
      const kept = made.filter((id) => driver.nodeOf(id) !== 'node3');
      assert.ok(lost.length > 0 && kept.length > 0);
      const node3 = fixture.nodes.find((n) => n.hostname === 'node3')!;
      const started = Date.now();
      await new Docker().getContainer(node3.container).kill();
      let running: string[] = [];
      while (Date.now() - started < 60_000) {
        running = (await driver.list()).filter((s) => s.running).map((s) => s.id);
        if (lost.every((id) => !running.includes(id))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const seconds = (Date.now() - started) / 1000;
      assert.deepEqual(running.filter((id) => lost.includes(id)), [], `node3's sandboxes still counted as running after ${seconds} s`);
      assert.deepEqual(running.sort(), [...kept].sort(), 'the sandboxes on the other nodes still run');
      console.log(`# a lost node was noticed after ${seconds.toFixed(1)} s`);
      // Its learners are told which machine, and their sandboxes are not waited for.
      const why = await driver.capabilities.restart!.whyStopped(lost[0]!);
      assert.deepEqual(why, { words: 'the machine it ran on, node3, stopped answering', asked: false, unreachable: true });
      // Their removal does not wait for the lost node.
      const removal = Date.now();
      await Promise.all(lost.map((id) => driver.destroy(id)));
      assert.ok(Date.now() - removal < 20_000, 'removing the sandboxes of a lost node does not hang');
      made.splice(0, made.length, ...kept);
    });

    it('removes sandboxes with their services and their volumes on every node still up', async () => {
      await Promise.all(made.map((id) => driver.destroy(id)));
      assert.deepEqual(await driver.list(), []);
      for (const node of fixture.nodes.filter((n) => n.hostname !== 'node3')) {
        const { Volumes: volumes = [] } = await node.docker.listVolumes();
        assert.deepEqual(volumes.map((v) => v.Name).filter((name) => name.includes(INSTANCE)), [], `volumes left on ${node.hostname}`);
      }
      made.length = 0;
    });

    it('npm run clean removes an installation from every node that answers, keeps what another still uses, and names the node it cannot reach', async () => {
      // A second installation on the same swarm (this file's fixture nodes are this machine's
      // containers of this file's installation, which a cleanup of it here would take too),
      // with a sandbox left running, as a server stopped with Ctrl-C leaves it; node3 is still lost.
      const other = `${INSTANCE}c`;
      const otherDriver = new SwarmSandboxDriver({ config: { ...config, instance: other }, endpoints: endpoints(), builder: new Docker(), log: createLogger('silent') });
      await otherDriver.prepare(() => undefined);
      await otherDriver.create('sbx-left');
      // This file's installation stays made ready on node1 only: node2's mirror and images are then the other's alone.
      const [node1, node2, node3] = fixture.nodes;
      await updateNode(node2!, (spec) => ({ ...spec, Labels: Object.fromEntries(Object.entries(spec.Labels ?? {}).filter(([name]) => name !== `io.slipway.prepared.${INSTANCE}`)) }));
      // node3 was made ready for it too, before it was lost (it was down when this one started).
      await updateNode(node3!, (spec) => ({ ...spec, Labels: { ...(spec.Labels ?? {}), [`io.slipway.prepared.${other}`]: 'true' } }));
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-swclean-'));
      try {
        const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SLIPWAY_INSTANCE: other, SLIPWAY_DATA_DIR: dataDir, SLIPWAY_DRIVER: 'swarm', SLIPWAY_SWARM_MANAGER: `unix://${fixture.manager.socketPath}`, SLIPWAY_SWARM_NODES: fixture.nodes.map((n) => `${n.hostname}=unix://${n.socketPath}`).join(',') };
        const run = await new Promise<{ code: number; out: string }>((resolve) =>
          execFile(process.execPath, ['--import', 'tsx', 'sandbox-server/clean/main.ts'], { env, timeout: 180_000 }, (err, stdout, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, out: stdout + stderr })),
        );
        assert.equal(run.code, 1, `a node was not cleaned, so clean says it failed:\n${run.out}`);
        assert.match(run.out, /could not clean node node3: its engine does not answer/);
        // Its label stays, so that a cleanup once it is back knows to clean it.
        assert.equal((((await fixture.manager.docker.getNode(node3!.hostname).inspect()) as { Spec: NodeSpec }).Spec.Labels ?? {})[`io.slipway.prepared.${other}`], 'true');
        assert.match(run.out, new RegExp(`removed service slipway-${other}-sbx-left \\(sandbox sbx-left\\)`));
        assert.deepEqual(await fixture.manager.docker.listServices({ filters: JSON.stringify({ label: [`${LABEL.instance}=${other}`] }) }), []);
        for (const node of [node1!, node2!]) {
          assert.deepEqual(await listInstallation(node.docker, other), [], `what the installation left on ${node.hostname}`);
          const labels = ((await fixture.manager.docker.getNode(node.hostname).inspect()) as { Spec: NodeSpec }).Spec.Labels ?? {};
          assert.equal(labels[`io.slipway.prepared.${other}`], undefined, `${node.hostname} is no longer made ready for it`);
        }
        const slipwayImages = async (docker: Docker) => (await docker.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith('slipway/'));
        // node1: this file's installation still uses its mirror and images, and is named.
        assert.match(run.out, new RegExp(`Node node1:[\\s\\S]*kept its image mirror and images: "${INSTANCE}" still use them`));
        assert.equal((await node1!.docker.getContainer('slipway-mirror').inspect()).State.Running, true);
        assert.notDeepEqual(await slipwayImages(node1!.docker), []);
        // node2: nobody else's, so they go.
        await assert.rejects(node2!.docker.getContainer('slipway-mirror').inspect(), 'the mirror on node2 is removed');
        assert.deepEqual(await slipwayImages(node2!.docker), [], "Slipway's images on node2");
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  it('leaves nothing on this machine once removed', async () => {
    const folders = fixture.nodes.map((n) => n.socketPath);
    await fixture.dispose();
    assert.deepEqual(await listInstallation(new Docker(), INSTANCE), []);
    for (const socket of folders) assert.equal(fs.existsSync(socket), false, socket);
  });
});
