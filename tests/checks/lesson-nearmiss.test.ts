// The near-misses the lessons' own script checks name, each made in a real sandbox the way a
// learner would make it: the step's check (read from the lesson file, as the server reads it)
// must fail and say what is off, and pass once it is put right. lessons:verify proves the
// solutions and alternatives; this proves the messages a learner sees on the way there.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LessonLibrary } from '../../sandbox-server/lessons/library.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

/** The check of a lesson's step with this label. */
function lessonCheck(slug: string, step: string, label: RegExp): unknown {
  const lesson = new LessonLibrary(path.resolve('lessons')).get(slug);
  assert.ok(lesson, `there is a lesson ${slug}`);
  const found = lesson.lesson.steps.find((s) => s.id === step)?.checks.find((c) => 'label' in c && typeof c.label === 'string' && label.test(c.label));
  assert.ok(found, `${slug} › ${step} has a check labelled ${label}`);
  return found;
}

const dockerfile = (run: string) => `printf '%s\\n' 'FROM debian:trixie-slim' ${run} > Dockerfile`;

describe("near-misses named by the lessons' own checks", () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  before(async () => {
    server = await startTestServer({ SLIPWAY_WARM_APT: 'curl' });
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
  });
  after(async () => server && stopAndClean(server));

  it('lesson 3, apt: separate RUNs for update and install, the lists left in the image, then the idiom', async () => {
    const check = lessonCheck('first-dockerfile', 'apt-fetcher', /one RUN/);
    await c.fails(check, /^There is no image fetcher:1\.0 yet\.$/);
    const build = (run: string) => sh(server, sandbox, `mkdir -p fetcher && cd fetcher && ${dockerfile(run)} && docker build -q -t fetcher:1.0 . >/dev/null`, 600_000);
    await build(`'RUN apt-get update' 'RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'`);
    await c.fails(check, /separate RUN instructions.*join them in one RUN with &&/);
    await build(`'RUN apt-get update && apt-get install -y --no-install-recommends curl'`);
    await c.fails(check, /still carries apt's package lists \(\d+ files in \/var\/lib\/apt\/lists\): end the same RUN with && rm -rf \/var\/lib\/apt\/lists\/\*/);
    await build(`'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'`);
    await c.passes(check, /installed with one RUN that also cleans up/);
  });

  it('lesson 9: a port published to where nothing listens, then to nginx\'s own port', async () => {
    const check = lessonCheck('fix-it', 'wrong-port', /localhost:8081/);
    await sh(server, sandbox, 'docker run -d --name shop -p 8081:8080 nginx:1.26 >/dev/null', 300_000);
    await c.fails(check, /^shop sends port 8081 to port 8080 in the container, where nothing listens: nginx listens on port 80\.$/);
    await sh(server, sandbox, 'docker rm -f shop >/dev/null && docker run -d --name shop -p 8081:80 nginx:1.26 >/dev/null');
    await c.eventuallyPasses(check, /shows nginx's welcome page/);
  });

  it('lesson 9: a job killed for its memory limit, then the same job with room to finish', async () => {
    const check = lessonCheck('fix-it', 'out-of-memory', /cruncher finished/);
    const job = `sh -c 'data=$(head -c 50331648 /dev/zero | tr "\\0" x); echo "done: \${#data} bytes"'`;
    await sh(server, sandbox, `docker run --name cruncher --memory 32m --memory-swap 32m busybox ${job} >/dev/null 2>&1 || true`, 300_000);
    await c.fails(check, /^cruncher was killed for using more memory than its limit \(OOMKilled, exit code 137\): give it more with --memory\.$/);
    await sh(server, sandbox, 'docker update --memory 256m --memory-swap 256m cruncher >/dev/null && docker start --attach cruncher >/dev/null');
    await c.passes(check, /^cruncher finished: done: 50331648 bytes\.$/);
  });
});
