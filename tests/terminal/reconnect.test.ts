// The shell outlives the socket: a reconnect gets the screen back (replay), a resume gets
// exactly what was missed, and after the grace period the shell and its processes are ended.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sh } from '../support/sandbox.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from './support/client.js';
import { startTerminalServer } from './support/server.js';
import { eventually } from './support/wait.js';

describe('terminal reconnect', () => {
  let server: TestServer;
  let cookie: string;

  before(async () => {
    server = await startTerminalServer();
    ({ cookie } = await learnerSession(server.url));
  });
  after(async () => server && stopAndClean(server));

  it('keeps the shell across a dropped socket: earlier output comes back and variables survive', async () => {
    const first = await TermClient.connect(server.url, { cookie });
    await first.waitFor(/# $/);
    await first.run('KEPT=kept-$((1+1)); echo before-drop-$((2+3))', /before-drop-5\r\n.*# $/s);
    const terminal = first.hello!.terminal;
    first.drop();

    // A reload: a fresh screen, so no resume point. The server replays what it holds.
    const second = await TermClient.connect(server.url, { cookie });
    assert.equal(second.hello!.terminal, terminal, 'a new shell was started instead of the old one');
    assert.equal(second.hello!.reset, true);
    await second.waitFor(/before-drop-5/);
    assert.match(await second.run('echo "[$KEPT]"', /\[[^\]]*\]\r\n/), /\[kept-2\]/);
    await second.close();
  });

  it('resumes from the last byte seen: only the output missed while away is sent', async () => {
    const first = await TermClient.connect(server.url, { cookie });
    await first.waitFor(/# $/);
    await first.run('echo seen-$((3+4))', /seen-7\r\n.*# $/s);
    first.type('sleep 1; echo while-away-$((3*3))\r');
    await first.waitFor(/sleep 1; echo while-away-\$\(\(3\*3\)\)\r\n/);
    const resume = { terminal: first.hello!.terminal, seq: first.seq };
    first.drop();
    // The shell goes on printing while nobody is connected.
    await new Promise((r) => setTimeout(r, 1500));

    const back = await TermClient.connect(server.url, { cookie, resume });
    assert.equal(back.hello!.reset, false);
    assert.equal(back.hello!.seq, resume.seq);
    await back.waitFor(/while-away-9\r\n/);
    assert.doesNotMatch(back.output, /seen-7/, 'output seen before the drop was sent again');
    await back.close();

    // A resume point from another terminal (an older shell) gets the full replay instead.
    const stale = await TermClient.connect(server.url, { cookie, resume: { terminal: 't-gone', seq: 5 } });
    assert.equal(stale.hello!.reset, true);
    assert.equal(stale.hello!.seq, 0);
    await stale.waitFor(/seen-7[\s\S]*while-away-9/);
    await stale.close();
  });

  it('tells the viewers why the shell ended when the sandbox goes away (reset)', async () => {
    const term = await TermClient.connect(server.url, { cookie });
    await term.waitFor(/# $/);
    const { id } = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { id: string };
    await server.sessions.reset(server.sessions.get(id)!);
    const exit = await term.waitControl((c) => c.type === 'exit', 'an exit frame');
    assert.equal(exit.reason, 'sandbox_ended');
    assert.match(String(exit.message), /reset/);
    assert.equal((await term.waitClosed()).code, 4000);
    // The next connection gets the new sandbox's shell.
    const next = await TermClient.connect(server.url, { cookie, resume: { terminal: term.hello!.terminal, seq: term.seq } });
    assert.equal(next.hello!.reset, true);
    assert.notEqual(next.hello!.sandboxId, term.hello!.sandboxId);
    await next.waitFor(/# $/);
    await next.close();
  });
});

describe('terminal grace period', () => {
  let server: TestServer;
  let cookie: string;
  let sandboxId: string;

  before(async () => {
    server = await startTerminalServer({ SLIPWAY_TERMINAL_GRACE: '2s' });
    ({ cookie, sandboxId } = await learnerSession(server.url));
  });
  after(async () => server && stopAndClean(server));

  it('ends the shell and its processes once nobody reconnected within the grace period', async () => {
    const term = await TermClient.connect(server.url, { cookie });
    await term.waitFor(/# $/);
    const out = await term.run('sleep 4242 & echo "pid=$$"', /pid=\d+\r\n/);
    const pid = /pid=(\d+)/.exec(out)![1]!;
    const oldTerminal = term.hello!.terminal;
    // [4] keeps pgrep from finding the shell that runs it.
    const check = `ps -o pid= -p ${pid}; pgrep -f 'sleep [4]242'; true`;
    assert.match(await sh(server, sandboxId, check), new RegExp(`${pid}\\s+\\d+`));
    await term.close();

    await eventually('the terminal to end after the grace period', () => !server.terminals.hub.get(sandboxId));
    const left = await sh(server, sandboxId, check);
    assert.equal(left.trim(), '', `processes of the ended shell are still running: ${left} ${await sh(server, sandboxId, 'ps -eo pid,sid,args')}`);

    const fresh = await TermClient.connect(server.url, { cookie, resume: { terminal: oldTerminal, seq: 10 } });
    assert.notEqual(fresh.hello!.terminal, oldTerminal);
    assert.equal(fresh.hello!.reset, true);
    const newPid = /pid=(\d+)/.exec(await fresh.run('echo "pid=$$"', /pid=\d+\r\n/))![1];
    assert.notEqual(newPid, pid);
    await fresh.close();
  });

  it('keeps a shell opened ahead (a pooled sandbox) until its learner comes, then applies the grace period', async () => {
    const other = await learnerSession(server.url);
    await server.terminals.hub.preopen(other.sandboxId);
    const ahead = server.terminals.hub.get(other.sandboxId)!.id;
    // Longer than the 2 s grace period: nobody has come yet, so nothing is abandoned.
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(server.terminals.hub.get(other.sandboxId)?.id, ahead, 'the shell opened ahead was closed before its learner came');

    const term = await TermClient.connect(server.url, { cookie: other.cookie });
    assert.equal(term.hello!.terminal, ahead);
    await term.waitFor(/# $/);
    await term.run('echo ready-$((6*7))', /ready-42/);
    await term.close();
    await eventually('the terminal to end after the grace period', () => !server.terminals.hub.get(other.sandboxId));
  });
});
