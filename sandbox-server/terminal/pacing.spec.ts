// Pacing of background tabs: while the learner types in one tab of a sandbox, another tab's
// shell stream is paused whenever its output exceeds the background rate, yet every byte it
// printed reaches its viewer complete and in order; the tab in use is never paced, and typing
// into the paced tab reads it at full speed again at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerMessage } from '../../contract/terminal.js';
import { createLogger } from '../log.js';
import { FakeShell } from '../sandboxes/fake/driver.js';
import { TerminalHub, type Attachment } from './hub.js';
import { OutputPacer } from './output-pace.js';
import type { ViewerSink } from './viewer.js';

const KiB = 1024;

/** A viewer that draws at once: acknowledges every byte as soon as it arrives. */
class Screen implements ViewerSink {
  readonly bytes: Buffer[] = [];
  attachment: Attachment | undefined;

  sendBytes(bytes: Buffer): void {
    this.bytes.push(bytes);
    queueMicrotask(() => {
      const { terminal, viewer } = this.attachment!;
      terminal.ack(viewer, viewer.sent);
    });
  }

  sendControl(_message: ServerMessage): void {}

  close(): void {}

  get text(): string {
    return Buffer.concat(this.bytes).toString('latin1');
  }
}

async function openTabs(rate: number) {
  const shells = new Map<number, FakeShell>();
  let opened = 0;
  const hub = new TerminalHub(
    async (_sandboxId, size) => {
      const shell = new FakeShell(size);
      shells.set(++opened, shell);
      return shell;
    },
    { replayBytes: 512 * KiB, highWatermark: 100_000, lowWatermark: 5_000, graceMs: 60_000 },
    { onPrompt: () => undefined, onActivity: () => undefined, sandboxEnded: () => null },
    createLogger('silent'),
    { backgroundBytesPerSecond: rate, foregroundMs: 60_000 },
  );
  const screens: Screen[] = [];
  for (const tab of [1, 2]) {
    const screen = new Screen();
    screen.attachment = await hub.attach('sbx-pace', tab, 'rw', screen, { cols: 80, rows: 24 });
    screens.push(screen);
  }
  return { hub, shells: [shells.get(1)!, shells.get(2)!], screens, typeIn: (tab: number, text: string) => {
    const { terminal, viewer } = screens[tab - 1]!.attachment!;
    terminal.input(viewer, Buffer.from(text));
  } };
}

/** Lines numbered in order, so that a lost, repeated or reordered byte shows. */
const numbered = (from: number, count: number) => Array.from({ length: count }, (_, i) => `line ${String(from + i).padStart(6, '0')}\r\n`).join('');

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('output pacing', () => {
  it('pauses only beyond its burst at a finite rate, and a release ends the pause at once', () => {
    let rate = Infinity;
    let changes = 0;
    const pacer = new OutputPacer(() => rate, () => changes++);
    for (let i = 0; i < 100; i++) pacer.read(64 * KiB, 0);
    assert.equal(pacer.pausing, false, 'a tab in use is never paced');
    rate = 100 * KiB;
    pacer.read(32 * KiB, 0);
    assert.equal(pacer.pausing, false, 'within the burst');
    pacer.read(64 * KiB, 0);
    assert.equal(pacer.pausing, true, 'beyond the burst');
    assert.equal(changes, 1);
    pacer.release();
    assert.equal(pacer.pausing, false);
    assert.equal(changes, 2);
    pacer.stop();
  });

  it("paces a flooding tab while another is typed in, and delivers all of the flood's bytes in order", async () => {
    const { hub, shells, screens, typeIn } = await openTabs(64 * KiB);
    const [typing, flooding] = shells as [FakeShell, FakeShell];
    try {
      typeIn(2, 'yes\r');
      typeIn(1, 'l');
      let expected = '';
      let sawPause = false;
      // Output keeps arriving during a pause (what was already on its way): none of it is lost.
      for (let i = 0; i < 200; i++) {
        const lines = numbered(i * 100, 100);
        flooding.print(lines);
        expected += lines;
        sawPause ||= flooding.paused;
        await settle();
      }
      assert.ok(sawPause, "the flooding tab's stream was never paused");
      assert.ok(hub.stats().find((s) => s.tab === 2)!.paced, 'the flooding tab is paced');
      assert.equal(screens[1]!.text, expected, "the flooding tab's viewer got every byte, in order");

      // The tab in use is never paced, and its echo comes back.
      typing.print('l');
      for (let i = 0; i < 50; i++) typing.print(numbered(i * 100, 100));
      await settle();
      assert.equal(typing.paused, false, 'the tab typed in was paused');
      assert.match(screens[0]!.text, /^l/);

      // Typed into (Ctrl-C), the flooding tab is the one in use: read at full speed again.
      typeIn(2, '\x03');
      assert.equal(flooding.paused, false, 'the flooding tab stayed paused after its own input');
      assert.equal(hub.stats().find((s) => s.tab === 2)!.paced, false);
    } finally {
      await hub.stop();
    }
  });

  it('resumes a paced tab by itself once the pause has paid for the burst', async () => {
    const { hub, shells, screens, typeIn } = await openTabs(10 * 1024 * KiB);
    const flooding = shells[1]!;
    try {
      typeIn(2, 'yes\r');
      typeIn(1, 'l');
      const flood = numbered(0, 10_000);
      flooding.print(flood);
      assert.equal(flooding.paused, true, 'beyond the burst, the stream is paused');
      while (flooding.paused) await new Promise((resolve) => setTimeout(resolve, 5));
      flooding.print('after the pause\r\n');
      await settle();
      assert.equal(screens[1]!.text, flood + 'after the pause\r\n');
    } finally {
      await hub.stop();
    }
  });
});
