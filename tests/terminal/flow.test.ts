// Flow control: a flood of output reaches a slow viewer completely while the server holds at
// most a window of unacknowledged bytes per viewer, so its memory stays bounded. A flood in a
// tab of the sandbox that is not in use is paced, still complete and in order, while commands
// typed in another tab come back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OWNER_PATH, TAB_PARAM } from '../../contract/terminal.js';
import { DEFAULT_TERMINAL_OPTIONS } from '../../sandbox-server/terminal/hub.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from './support/client.js';
import { startTerminalServer } from './support/server.js';

const MiB = 1024 * 1024;
const FLOOD = 50 * MiB;

describe('terminal flow control', () => {
  let server: TestServer;
  let cookie: string;
  let sandboxId: string;

  before(async () => {
    server = await startTerminalServer();
    ({ cookie, sandboxId } = await learnerSession(server.url));
  });
  after(async () => server && stopAndClean(server));

  it('delivers 50 MB of output to a slow viewer with bounded server memory', async () => {
    // This client acknowledges only every 10 ms, like a browser busy drawing: without flow
    // control the server would queue the whole flood for it.
    const term = await TermClient.connect(server.url, { cookie, autoAck: false, keepBytes: 64 * 1024 });
    const acker = setInterval(() => term.ack(), 10);
    try {
      await term.waitFor(/# $/);
      // A small flood first, so the baseline is a warmed-up process, not a cold one.
      term.mark();
      term.type('yes | head -c 5M; echo WARM-$((1+1))\r');
      await term.waitForRaw('WARM-2\r\n', 120_000);
      const baseline = process.memoryUsage().rss;
      let peakRss = baseline;
      let peakUnacked = 0;
      let peakSocketBuffered = 0;
      let sawPause = false;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        const stats = server.terminals.hub.stats().find((s) => s.sandboxId === sandboxId);
        if (stats) {
          peakUnacked = Math.max(peakUnacked, stats.maxUnacked);
          sawPause ||= stats.paused;
        }
        peakSocketBuffered = Math.max(peakSocketBuffered, ...server.terminals.gateway.socketBuffers());
      }, 5);
      const started = term.received;
      try {
        // The typed command shows "END-$((6*7))"; only the finished command prints END-42.
        term.mark();
        term.type('yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 50M; echo END-$((6*7))\r');
        await term.waitForRaw('END-42\r\n', 600_000);
      } finally {
        clearInterval(sampler);
      }
      const delivered = term.received - started;
      const growth = peakRss - baseline;
      console.log(`  flood: ${(delivered / MiB).toFixed(1)} MiB delivered; peak unacked ${peakUnacked} B; peak socket buffer ${peakSocketBuffered} B; RSS growth ${(growth / MiB).toFixed(1)} MiB`);
      assert.ok(delivered >= FLOOD, `only ${delivered} bytes arrived`);
      assert.ok(sawPause, 'the shell was never paused, so flow control was not exercised');
      assert.ok(peakUnacked <= DEFAULT_TERMINAL_OPTIONS.highWatermark, `a viewer had ${peakUnacked} unacknowledged bytes`);
      assert.ok(peakSocketBuffered <= 2 * DEFAULT_TERMINAL_OPTIONS.highWatermark, `a socket buffered ${peakSocketBuffered} bytes`);
      // Generous: the whole process (server and this client) may grow by far less than the flood.
      assert.ok(growth < 100 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB during a 50 MiB flood`);
      // The last acknowledgements may still be on their way when END-42 arrives.
      let stats = server.terminals.hub.stats().find((s) => s.sandboxId === sandboxId)!;
      for (let i = 0; i < 100 && stats.paused; i++) {
        await new Promise((r) => setTimeout(r, 100));
        stats = server.terminals.hub.stats().find((s) => s.sandboxId === sandboxId)!;
      }
      assert.equal(stats.paused, false, 'the shell stayed paused after the flood');
      assert.ok(stats.replayBytes <= DEFAULT_TERMINAL_OPTIONS.replayBytes, `replay buffer holds ${stats.replayBytes} bytes`);
      assert.match(await term.run('echo after-the-flood', /after-the-flood\r\n/), /after-the-flood/);
    } finally {
      clearInterval(acker);
      await term.close();
    }
  });

  it('paces a flood in tab 2 while tab 1 is typed in, and tab 2 still gets every line in order', async () => {
    const typing = await TermClient.connect(server.url, { cookie });
    const flooding = await TermClient.connect(server.url, { cookie, path: `${OWNER_PATH}?${TAB_PARAM}=2`, keepBytes: 4 * MiB });
    const LINES = 200_000;
    try {
      await typing.waitFor(/# $/);
      await flooding.waitFor(/# $/, 60_000);
      flooding.mark();
      flooding.type(`seq 1 ${LINES}; echo SEQ-END-$((6*7))\r`);
      let sawPaced = false;
      let echoes = 0;
      // Typing in tab 1 all along keeps it the tab in use, so tab 2 stays in the background.
      while (!flooding.output.includes('SEQ-END-42\r\n')) {
        echoes++;
        await typing.run(`echo typed-$((${echoes}*2))`, new RegExp(`typed-${echoes * 2}\r?\n`), 60_000);
        sawPaced ||= server.terminals.hub.stats().some((s) => s.sandboxId === sandboxId && s.tab === 2 && s.paced);
      }
      console.log(`  ${echoes} commands ran in tab 1 while tab 2 printed ${LINES} lines`);
      assert.ok(sawPaced, 'tab 2 was never paced while tab 1 was in use');
      const expected = Array.from({ length: LINES }, (_, i) => `${i + 1}\r\n`).join('') + 'SEQ-END-42\r\n';
      assert.ok(flooding.output.includes(expected), "tab 2's output is not every line, once, in order");
      // Typed into, tab 2 is the one in use again and answers at once.
      assert.match(await flooding.run('echo tab-$((1+1))', /tab-2\r?\n/), /tab-2/);
    } finally {
      await typing.close();
      await flooding.close();
    }
  });
});
