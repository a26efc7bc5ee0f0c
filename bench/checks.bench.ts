// Check engine figures: evaluation time per check kind (container, image, http) against a real
// sandbox, a failing container check with its near-miss diagnosis (nearmiss_ms), and the
// automatic check's latency: from a command finishing in the learner's terminal (the shell's
// prompt event) to the step's result arriving at a connected event stream client, as a browser
// would receive it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { checkSchema } from '../lessons/schema.js';
import { createContext } from '../sandbox-server/checks/context.js';
import { evaluateCheck } from '../sandbox-server/checks/evaluate.js';
import { CommandStore } from '../sandbox-server/store/commands.js';
import { followStepsDone, percentile, round, startBenchServer, waitUntil, type Bench, type BenchServer } from './support.js';

const EVALUATIONS = 60;
const HTTP_EVALUATIONS = 40;
const AUTO_STEPS = 25;

function lessonWithSteps(n: number): string {
  const steps = Array.from({ length: n }, (_, i) => `  - id: step-${i}
    title: Create container c${i}
    checks:
      - { kind: container, name: c${i} }
    hints: [Use docker create.]
    solution: [docker create --name c${i} busybox true]`).join('\n');
  return `---\ntitle: Bench\ndescription: Many one-container steps.\norder: 1\nsteps:\n${steps}\n---\n`;
}

async function sh(server: BenchServer, id: string, script: string): Promise<void> {
  const result = await server.driver.exec(id, ['bash', '-c', script], { timeoutMs: 120_000 });
  if (result.exitCode !== 0) throw new Error(`${script}: ${result.stderr}`);
}

/** Times a check that must pass, or, given `failingWith`, one that must fail saying that. */
async function timeChecks(server: BenchServer, sandbox: string, input: unknown, times: number, failingWith?: RegExp): Promise<number[]> {
  const check = checkSchema.parse(input);
  const history = new CommandStore(server.db);
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    // A fresh context each time: nothing is shared between evaluations, as in the server.
    const result = await evaluateCheck(check, createContext({ driver: server.driver, history }, sandbox, 0));
    if (failingWith) {
      if (result.passed || result.error || !failingWith.test(result.message)) throw new Error(`benchmark check did not fail as expected: ${result.message}`);
    } else if (!result.passed) throw new Error(`benchmark check failed: ${result.message}`);
    samples.push(result.ms);
  }
  return samples;
}

/** Types commands into the learner's real terminal; falls back to exec + a prompt event. */
async function openTerminal(server: BenchServer, cookie: string): Promise<((command: string) => void) | undefined> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/session/terminal`, { headers: { cookie, origin: server.url }, perMessageDeflate: false });
  let output = '';
  ws.on('message', (data: Buffer, binary) => {
    if (binary) output += data.toString('utf8');
  });
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
    ws.once('unexpected-response', () => resolve(false));
  });
  if (!opened) return undefined;
  ws.send(JSON.stringify({ type: 'hello', cols: 120, rows: 30 }));
  await waitUntil('the shell prompt', () => /[#$] $/.test(output.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g, '')), 30_000, 20);
  return (command) => ws.send(Buffer.from(`${command}\r`), { binary: true });
}

const bench: Bench = {
  name: 'check engine',
  async run() {
    const lessonsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-lessons-'));
    fs.mkdirSync(path.join(lessonsDir, 'bench'));
    fs.writeFileSync(path.join(lessonsDir, 'bench', 'index.mdx'), lessonWithSteps(AUTO_STEPS));
    const server = await startBenchServer({ SLIPWAY_LESSONS_DIR: lessonsDir });
    try {
      const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
      const post = (url: string) => fetch(`${server.url}${url}`, { method: 'POST', headers: { cookie } }).then((r) => r.json());
      await post('/api/lessons/bench/open');
      const session = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } };
      const sandbox = session.sandbox.id;

      // A typical lesson state: a served page, a few other containers, a built image.
      await sh(server, sandbox, `
        mkdir -p site && echo '<h1>Hello</h1>' > site/index.html
        docker run -d --name web -p 8080:80 -v "$PWD/site":/www:ro -e GREETING=hello busybox httpd -f -p 80 -h /www >/dev/null
        docker run -d --name api -p 3000:5000 busybox httpd -f -p 5000 >/dev/null
        for i in 1 2 3 4 5; do docker run -d --name extra$i busybox sleep 600 >/dev/null; done
        mkdir -p app && printf 'FROM busybox\\nENV GREETING=hello\\nWORKDIR /app\\nEXPOSE 5000\\nCMD ["sh"]\\n' > app/Dockerfile
        docker build -q -t bench-app:1.0 app >/dev/null`);

      const container = await timeChecks(server, sandbox, { kind: 'container', name: 'web', state: 'running', ports: ['8080:80'], mounts: [{ destination: '/www', readOnly: true }], env: { GREETING: 'hello' } }, EVALUATIONS);
      const image = await timeChecks(server, sandbox, { kind: 'image', name: 'bench-app:1.0', env: { GREETING: 'hello' }, workdir: '/app', exposedPorts: [5000], cmd: ['sh'], maxLayers: 5 }, EVALUATIONS);
      const http = await timeChecks(server, sandbox, { kind: 'http', url: 'http://localhost:8080/', status: 200, contains: 'Hello' }, HTTP_EVALUATIONS);
      // A failing check that names its near miss: ports published the wrong way round.
      const nearmiss = await timeChecks(server, sandbox, { kind: 'container', name: 'api', state: 'running', ports: ['5000:3000'] }, EVALUATIONS, /the ports are the wrong way round/);

      // Automatic checks: each step wants a new container; the command runs in the terminal.
      const events = new AbortController();
      const arrived = await followStepsDone(server.url, cookie, events.signal);
      const finished = new Map<string, number>();
      server.feed.prompts.on('prompt', (event) => {
        const name = /docker create --name c(\d+)/.exec(event.command)?.[1];
        if (name !== undefined) finished.set(`step-${name}`, performance.now());
      });
      const type = await openTerminal(server, cookie);
      const auto: number[] = [];
      for (let i = 0; i < AUTO_STEPS; i++) {
        const command = `docker create --name c${i} busybox true >/dev/null`;
        if (type) type(command);
        else {
          await sh(server, sandbox, command);
          server.feed.prompts.emit('prompt', { sandboxId: sandbox, command, exitCode: 0, at: Date.now() });
        }
        await waitUntil(`step-${i} done`, () => arrived.has(`step-${i}`), 30_000);
        auto.push(arrived.get(`step-${i}`)! - finished.get(`step-${i}`)!);
        // Let the terminal settle, as between two commands typed by a person.
        await new Promise((r) => setTimeout(r, 100));
      }
      events.abort();

      return {
        'checks.container_ms.p50': round(percentile(container, 50)),
        'checks.container_ms.p95': round(percentile(container, 95)),
        'checks.image_ms.p50': round(percentile(image, 50)),
        'checks.image_ms.p95': round(percentile(image, 95)),
        'checks.http_ms.p50': round(percentile(http, 50)),
        'checks.http_ms.p95': round(percentile(http, 95)),
        'checks.nearmiss_ms.p50': round(percentile(nearmiss, 50)),
        'checks.nearmiss_ms.p95': round(percentile(nearmiss, 95)),
        'checks.autocheck_ms.p50': round(percentile(auto, 50)),
        'checks.autocheck_ms.p95': round(percentile(auto, 95)),
        'checks.autocheck_via_terminal': type ? 1 : 0,
      };
    } finally {
      await server.dispose();
      fs.rmSync(lessonsDir, { recursive: true, force: true });
    }
  },
};

export default bench;
