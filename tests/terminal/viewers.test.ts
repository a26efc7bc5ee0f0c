// Who may attach, and how: the owner read-write, a viewer-token holder read-only (sees the same
// output live, cannot type or resize, never slows the owner down); nobody else, and never
// from another site's page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { CLOSE, VIEWER_PATH } from '../../contract/terminal.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from './support/client.js';
import { startTerminalServer } from './support/server.js';

describe('terminal viewers', () => {
  let server: TestServer;
  let cookie: string;
  let sandboxId: string;
  let owner: TermClient;

  before(async () => {
    server = await startTerminalServer();
    ({ cookie, sandboxId } = await learnerSession(server.url));
    owner = await TermClient.connect(server.url, { cookie, cols: 90, rows: 25 });
    await owner.waitFor(/# $/);
  });
  after(async () => {
    await owner?.close();
    if (server) await stopAndClean(server);
  });

  const viewer = (options: Parameters<typeof TermClient.connect>[1] = {}) =>
    TermClient.connect(server.url, { path: `${VIEWER_PATH}?token=${server.terminals.viewerTokens.issue(sandboxId)}`, ...options });

  it('shows a read-only viewer the same terminal, with its history and live output', async () => {
    await owner.run('echo earlier-$((2*8))', /earlier-16\r\n/);
    const watcher = await viewer();
    assert.equal(watcher.hello!.mode, 'ro');
    assert.equal(watcher.hello!.terminal, owner.hello!.terminal);
    assert.equal(watcher.hello!.cols, 90);
    await watcher.waitFor(/earlier-16/);
    watcher.mark();
    await owner.run('echo live-$((5*5))', /live-25\r\n/);
    await watcher.waitFor(/live-25\r\n/);
    await watcher.close();
  });

  it('refuses a read-only viewer\'s input and resize with error frames', async () => {
    const watcher = await viewer();
    await watcher.waitFor(/# $/);
    watcher.type('echo typed-by-viewer-$((1+1))\r');
    watcher.control({ type: 'resize', cols: 40, rows: 10 });
    await watcher.until('two read_only errors', () => watcher.errors().filter((e) => e.code === 'read_only').length === 2);
    // The owner's shell never got the keystrokes, nor the size.
    assert.match(await owner.run('tput cols; echo check-$((3+3))', /check-6\r\n/), /\n\r?90\r\n/);
    assert.doesNotMatch(owner.output + watcher.output, /typed-by-viewer-2/);
    assert.equal(watcher.closed, undefined, 'the viewer was disconnected for trying');
    await watcher.close();
  });

  it('tells viewers when the owner resizes', async () => {
    const watcher = await viewer();
    owner.control({ type: 'resize', cols: 100, rows: 30 });
    const size = await watcher.waitControl((c) => c.type === 'size', 'a size frame');
    assert.deepEqual(size, { type: 'size', cols: 100, rows: 30 });
    await watcher.close();
  });

  it('never lets a slow read-only viewer hold the owner back: it is dropped and resyncs', async () => {
    // This viewer never acknowledges anything.
    const stuck = await viewer({ autoAck: false });
    await owner.run('yes | head -c 3M >/dev/tty; echo DONE-$((2*2))', /DONE-4\r\n/, 120_000);
    const closed = await stuck.waitClosed();
    assert.equal(closed.code, CLOSE.behind);
    const again = await viewer({ resume: { terminal: stuck.hello!.terminal, seq: stuck.seq } });
    assert.equal(again.hello!.reset, true, 'a viewer that fell behind the replay buffer must get a fresh screen');
    await again.waitFor(/DONE-4/);
    await again.close();
  });

  it('refuses a request without a session, with a forged cookie, or with a bad token', async () => {
    for (const options of [{}, { cookie: 'slipway_session=s%3Aforged.sig' }, { path: `${VIEWER_PATH}?token=nope` }, { path: VIEWER_PATH }]) {
      const client = await TermClient.connect(server.url, { ...options, noHello: true });
      const closed = await client.waitClosed();
      assert.equal(closed.code, CLOSE.unauthorized, JSON.stringify(options));
      assert.equal(client.errors()[0]?.code, 'unauthorized');
    }
  });

  it('refuses a page of another site (cross-site WebSocket hijacking) and a request without Origin', async () => {
    await assert.rejects(TermClient.connect(server.url, { cookie, origin: 'http://evil.example', noHello: true }), /HTTP 403/);
    const url = server.url.replace(/^http/, 'ws') + '/api/session/terminal';
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { cookie } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('opened without an Origin')));
      ws.on('error', () => undefined);
    });
    assert.equal(status, 403);
  });
});
