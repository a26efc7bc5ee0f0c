// `command` checks (the learner's shell history as the terminal reports it), `script` checks,
// and the all/any combinators.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newSandbox, sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';
import { checker, type Checker } from './support/checks.js';

describe('command, script, all and any checks', () => {
  let server: TestServer;
  let sandbox: string;
  let c: Checker;
  before(async () => {
    server = await startTestServer();
    sandbox = await newSandbox(server);
    c = checker(server, sandbox);
  });
  after(async () => server && stopAndClean(server));

  it('checks the commands the learner ran, in words, never showing the pattern', async () => {
    const listAll = { kind: 'command', label: 'You listed every container, stopped ones too', matches: '^docker (container )?ps\\b.*(\\s-a\\b|--all)' };
    await c.fails(listAll, /^Not yet: you listed every container, stopped ones too\.$/);
    c.history.add(sandbox, { command: 'docker ps', exitCode: 0, at: Date.now() });
    await c.fails(listAll, /^Not yet: you listed every container, stopped ones too\. Your last command was 'docker ps'\.$/);
    c.history.add(sandbox, { command: 'docker ps --all', exitCode: 0, at: Date.now() });
    await c.passes(listAll, /^You ran 'docker ps --all'\.$/);
    c.history.add(sandbox, { command: 'docker logs nope', exitCode: 1, at: Date.now() });
    await c.fails({ kind: 'command', contains: 'docker logs', succeeded: true }, /^You ran 'docker logs nope', but it did not work \(it exited with code 1\): read what it printed, fix it and run it again\.$/);
    await c.passes({ kind: 'command', contains: 'docker logs', succeeded: false });
    // Following logs ends with Ctrl+C (code 130): that is how it is meant to end, not a failure.
    c.history.add(sandbox, { command: 'docker logs -f clock', exitCode: 130, at: Date.now() });
    await c.passes({ kind: 'command', contains: 'docker logs -f', succeeded: true }, /^You ran 'docker logs -f clock' \(stopped with Ctrl\+C\)\.$/);
    // A pattern without a label is refused by the schema: learners would have nothing to read.
    await assert.rejects(async () => c.run({ kind: 'command', matches: '^docker ps' }), /needs a `label`/);
    // Only commands since the lesson was opened count.
    const result = await c.run(listAll, Date.now() + 1000);
    assert.equal(result.passed, false);
  });

  it('runs a script from standard input: exit 0 passes, the first line is the message', async () => {
    await c.passes({ kind: 'script', script: 'echo "All good: $(hostname)"\necho second line' }, /^All good: sandbox$/);
    await c.fails({ kind: 'script', script: 'test -e /root/workshop/ready || { echo "There is no ready file yet"; exit 1; }\necho ready' }, /^There is no ready file yet$/);
    await sh(server, sandbox, 'touch /root/workshop/ready');
    await c.passes({ kind: 'script', script: 'test -e /root/workshop/ready || { echo "There is no ready file yet"; exit 1; }\necho ready' }, /^ready$/);
    await c.fails({ kind: 'script', script: 'exit 4' }, /^The check script failed \(exit code 4\)\.$/);
    await c.fails({ kind: 'script', script: 'sleep 5', timeoutSeconds: 1 }, /did not finish within 1 s/);
  });

  it('never leaves the script on disk', async () => {
    const marker = `slipway-secret-${Date.now()}`;
    await c.passes({ kind: 'script', script: `# ${marker}\nreadlink /proc/$$/fd/0 | grep -q '^pipe:' && echo "read from a pipe"` }, /read from a pipe/);
    const found = await server.driver.exec(sandbox, ['bash', '-c', `grep -rl ${marker} /root /tmp /var/tmp /run 2>/dev/null; true`]);
    assert.equal(found.stdout.trim(), '', `the script was found on disk: ${found.stdout}`);
  });

  it('combines checks with all and any', async () => {
    const ready = { kind: 'file', path: 'ready' };
    const missing = { kind: 'file', path: 'missing' };
    await c.passes({ kind: 'any', checks: [missing, ready] }, /ready exists/);
    await c.fails({ kind: 'any', checks: [missing, { kind: 'file', path: 'also-missing' }] }, /^None of the ways holds: There is no missing in the workspace; There is no also-missing in the workspace\.$/);
    await c.fails({ kind: 'all', checks: [ready, missing] }, /^There is no missing in the workspace\.$/);
    const result = await c.passes({ kind: 'all', checks: [ready, { kind: 'any', checks: [missing, ready] }] });
    assert.equal(result.checks?.length, 2);
  });
});
