// The learner's shell through the terminal WebSocket: typing, output, resize, Ctrl-C, the
// prompt, completion, and the "a command finished" signal of the shell integration.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PromptEvent } from '../../sandbox-server/feed/prompts.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { startTerminalServer } from './support/server.js';
import { learnerSession, plain, TermClient } from './support/client.js';

describe('terminal shell', () => {
  let server: TestServer;
  let cookie: string;
  let sandboxId: string;
  let term: TermClient;

  before(async () => {
    server = await startTerminalServer();
    ({ cookie, sandboxId } = await learnerSession(server.url));
    term = await TermClient.connect(server.url, { cookie, cols: 100, rows: 30 });
    await term.waitFor(/workshop.*# $/);
  });
  after(async () => {
    await term?.close();
    if (server) await stopAndClean(server);
  });

  it('gives the owner a read-write login shell in the workspace with a prompt showing it', () => {
    assert.equal(term.hello?.mode, 'rw');
    assert.equal(term.hello?.sandboxId, sandboxId);
    assert.match(plain(term.output), /~\/workshop # $/);
  });

  it('runs what is typed: echo $((6*7)) prints 42', async () => {
    const out = await term.run('echo $((6*7))', /\n\r?42\r\n/);
    // On a loaded machine the prompt may arrive drawn a second time just before the typed line.
    assert.match(out, /^(?:\r*~\/workshop # )?echo \$\(\(6\*7\)\)\r\n\r?42\r\n/);
  });

  it('has TERM=xterm-256color and a login shell', async () => {
    const out = await term.run('echo "[$TERM] [$(shopt -q login_shell && echo login)] [$PWD]"', /\[[^\]]*\] \[[^\]]*\] \[\/[^\]]*\]/);
    assert.match(out, /\[xterm-256color\] \[login\] \[\/root\/workshop\]/);
  });

  it('resizes the terminal: tput cols follows', async () => {
    assert.match(await term.run('tput cols', /\n\r?\d+\r\n/), /\n\r?100\r\n/);
    term.control({ type: 'resize', cols: 132, rows: 40 });
    // The resize reaches the engine asynchronously; ask again until it shows.
    let seen = '';
    for (let i = 0; i < 50 && !/\n\r?132\r\n/.test(seen); i++) {
      seen = await term.run('tput cols; tput lines', /\n\r?\d+\r\n\d+\r\n/);
    }
    assert.match(seen, /\n\r?132\r\n40\r\n/);
  });

  it('stops `yes` promptly on Ctrl-C: the prompt returns and little output follows', async () => {
    term.mark();
    term.type('yes\r');
    await term.waitFor(/(y\r\n){200}/);
    const before = term.received;
    term.type('\x03');
    await term.waitFor(/\^C\r\n.*workshop.*# $/s, 60_000);
    const after = term.received - before;
    console.log(`  ${after} bytes arrived after Ctrl-C`);
    // Flow control keeps the pipeline short: what was in flight drains, then the prompt.
    assert.ok(after < 4 * 1024 * 1024, `${after} bytes arrived after Ctrl-C`);
    assert.match(await term.run('echo still-here', /still-here\r\n/), /still-here/);
  });

  it('completes commands and arguments with Tab (bash-completion)', async () => {
    term.mark();
    term.type('docker vers\t');
    await term.waitFor(/docker version /);
    term.mark();
    term.type('\x15'); // Ctrl-U: clear the line
    term.type('echo done-completing\r');
    await term.waitFor(/done-completing\r\n.*# $/s);
  });

  it('reports every finished command on the prompts channel of the feed, and viewers never see the signal', async () => {
    const events: PromptEvent[] = [];
    const listener = (event: PromptEvent) => event.sandboxId === sandboxId && events.push(event);
    server.feed.prompts.on('prompt', listener);
    try {
      const started = Date.now();
      term.mark();
      term.type('ls /nope-not-here\r');
      await term.until('a prompt event for ls', () => events.some((e) => e.command === 'ls /nope-not-here'));
      term.type('echo "a b" | wc -c\r');
      await term.until('a prompt event for echo', () => events.some((e) => e.command === 'echo "a b" | wc -c'));
      term.type('\r'); // an empty line is not a command
      term.type('true\r');
      await term.until('a prompt event for true', () => events.some((e) => e.command === 'true'));
      const ls = events.find((e) => e.command === 'ls /nope-not-here')!;
      assert.equal(ls.exitCode, 2);
      assert.ok(ls.at >= started && ls.at <= Date.now());
      assert.equal(events.find((e) => e.command === 'echo "a b" | wc -c')!.exitCode, 0);
      assert.deepEqual(events.map((e) => e.command), ['ls /nope-not-here', 'echo "a b" | wc -c', 'true']);
      assert.ok(!term.output.includes('6973'), `the integration sequence leaked: ${JSON.stringify(term.output.slice(-300))}`);
      assert.ok(!term.output.includes('\x1b]6973'), 'the integration sequence leaked');
    } finally {
      server.feed.prompts.off('prompt', listener);
    }
  });

  it('records commands in the shell history file', async () => {
    const history = await server.driver.exec(sandboxId, ['cat', '/root/.bash_history']);
    assert.match(history.stdout, /echo \$\(\(6\*7\)\)/);
  });
});
