// The local driver's terminal: bash on node-pty on this machine, same protocol, same prompt
// signal, ended with its sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PromptEvent } from '../../sandbox-server/feed/prompts.js';
import type { LocalSandboxDriver } from '../../sandbox-server/sandboxes/local/driver.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from './support/client.js';
import { startTerminalServer } from './support/server.js';
import { eventually } from './support/wait.js';

describe('terminal on the local driver', () => {
  let server: TestServer;
  let cookie: string;
  let sandboxId: string;

  before(async () => {
    server = await startTerminalServer({ SLIPWAY_DRIVER: 'local' });
    ({ cookie, sandboxId } = await learnerSession(server.url));
  });
  after(async () => server && stopAndClean(server));

  it('runs bash in the workspace folder with the same prompt signal', async () => {
    const events: PromptEvent[] = [];
    server.feed.prompts.on('prompt', (event) => events.push(event));
    const term = await TermClient.connect(server.url, { cookie, cols: 120, rows: 30 });
    await term.waitFor(/# $|\$ $/);
    assert.match(await term.run('echo $((6*7)); tput cols', /\n\r?42\r\n\d+\r\n/), /42\r\n120\r\n/);
    const workspace = (server.driver as LocalSandboxDriver).workspaceOf(sandboxId);
    assert.match(await term.run('pwd', /\n\r?\/\S+\r\n/), new RegExp(workspace.replace(/[/.-]/g, '\\$&')));
    term.type('false\r');
    await term.until('a prompt event for false', () => events.some((e) => e.command === 'false' && e.exitCode === 1 && e.sandboxId === sandboxId));
    assert.ok(!term.output.includes('\x1b]6973'), 'the integration sequence leaked');
    await term.close();
  });

  it('ends the shell when the sandbox is destroyed', async () => {
    const term = await TermClient.connect(server.url, { cookie });
    await term.waitFor(/# $|\$ $/);
    const session = server.sessions.get((await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json() as { id: string }).id)!;
    await server.sessions.reset(session);
    const exit = await term.waitControl((c) => c.type === 'exit', 'an exit frame');
    assert.equal(exit.reason, 'sandbox_ended');
    await eventually('the old terminal to be forgotten', () => !server.terminals.hub.get(sandboxId));
  });
});
