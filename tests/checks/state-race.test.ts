// A state check passes only on state that holds: a foreground container that prints the time
// and exits at once (`docker run --name clock debian:trixie-slim date`) is running for a few
// milliseconds, and a check evaluated in that moment must still not tick lesson 1's
// "Run a named container in the background" step. The checks are evaluated exactly when the
// sandbox's engine reports the container started (as the server's automatic checks are
// triggered), and in a tight loop while the command runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CheckResult } from '../../sandbox-server/checks/result.js';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

const ROUNDS = 10;

/** Lesson 1's check for the background step, as the lesson declares it. */
const BACKGROUND_CLOCK = {
  kind: 'container',
  label: 'A running container named clock prints the time',
  name: 'clock',
  state: 'running',
  logs: { matches: '\\d\\d:\\d\\d:\\d\\d' },
};

interface StartEvent {
  Action?: string;
  status?: string;
  Actor?: { Attributes?: Record<string, string> };
}

describe('state checks see state that holds', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
    await sh(server, sandbox, 'docker pull -q debian:trixie-slim >/dev/null');
  });
  after(async () => server && stopAndClean(server));

  it(`never passes the background step for a foreground container that exits at once (${ROUNDS} runs)`, async (t) => {
    const evaluations: Array<Promise<CheckResult>> = [];
    // How often the engine itself still said "running" when an evaluation began: the race
    // this test is about, seen from outside the check.
    let seenRunning = 0;
    const engine = server.driver.engine(sandbox);
    const events = (await engine.getEvents({ filters: { type: ['container'], event: ['start'] } })) as NodeJS.ReadableStream & { destroy(): void };
    let buffered = '';
    events.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const event = JSON.parse(line) as StartEvent;
        if (event.Actor?.Attributes?.name !== 'clock') continue;
        evaluations.push(c.run(BACKGROUND_CLOCK));
        void engine
          .getContainer('clock')
          .inspect()
          .then((info) => {
            if (info.State.Running) seenRunning++;
          })
          .catch(() => undefined);
      }
    });
    try {
      for (let round = 0; round < ROUNDS; round++) {
        let running = true;
        const loop = (async () => {
          while (running) {
            const evaluation = c.run(BACKGROUND_CLOCK);
            evaluations.push(evaluation);
            await evaluation;
          }
        })();
        await sh(server, sandbox, 'docker run --name clock debian:trixie-slim date >/dev/null');
        running = false;
        await loop;
        await Promise.all(evaluations);
        await sh(server, sandbox, 'docker rm -f clock >/dev/null');
      }
    } finally {
      events.destroy();
    }
    const results = await Promise.all(evaluations);
    t.diagnostic(`${results.length} evaluations; the engine still said running at ${seenRunning} of ${ROUNDS} start events`);
    const passed = results.filter((r) => r.passed);
    assert.equal(passed.length, 0, `the background step passed ${passed.length} times for a container that ran in the foreground, e.g.: ${passed[0]?.message}`);
    for (const result of results) assert.ok(!result.error, `a check could not look: ${result.message}`);
  });

  it('passes for the real background container, and fails once it is stopped', async () => {
    await sh(server, sandbox, `docker run -d --name clock debian:trixie-slim bash -c 'while true; do date; sleep 1; done' >/dev/null`);
    await c.passes(BACKGROUND_CLOCK, /^Container 'clock' is running .*its output shows what the step expects\.$/);
    await sh(server, sandbox, 'docker stop -t 1 clock >/dev/null');
    await c.fails(BACKGROUND_CLOCK, /^No running container named 'clock' — one with that name exited/);
  });
});
