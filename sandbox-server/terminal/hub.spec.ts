// The hub's shells across their grace period, with shells of this file's own (a fake: no engine)
// that take as long to die as the test says. Ending a real shell is a command in the sandbox and
// takes a while on a busy machine; a viewer who comes back in that moment must get a new shell
// and its prompt, not the dying shell's replay followed by its exit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerMessage } from '../../contract/terminal.js';
import { createLogger } from '../log.js';
import type { Shell } from '../sandboxes/driver.js';
import { TerminalHub, DEFAULT_TERMINAL_OPTIONS } from './hub.js';
import type { ViewerSink } from './viewer.js';

/** A shell whose kill() ends it only when the test lets it (`die`). */
class SlowDyingShell implements Shell {
  readonly pendingInput = 0;
  killed = false;
  private exit: ((exit: { code: number | null }) => void) | undefined;
  private dead: (() => void) | undefined;

  onData(): void {}
  onExit(listener: (exit: { code: number | null }) => void): void {
    this.exit = listener;
  }
  write(): void {}
  resize(): void {}
  pause(): void {}
  resume(): void {}
  kill(): Promise<void> {
    this.killed = true;
    return new Promise((resolve) => (this.dead = resolve));
  }
  die(): void {
    this.exit?.({ code: null });
    this.dead?.();
  }
}

class RecordingSink implements ViewerSink {
  readonly controls: ServerMessage[] = [];
  closed: string | undefined;
  sendBytes(): void {}
  sendControl(message: ServerMessage): void {
    this.controls.push(message);
  }
  close(_code: number, reason: string): void {
    this.closed = reason;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hello = { cols: 80, rows: 24 };

describe('terminal hub', () => {
  it('gives a viewer who comes back while the expired shell is still being ended a new shell, and the old one ends unseen', async () => {
    const shells: SlowDyingShell[] = [];
    const hooks = { onPrompt: () => undefined, onActivity: () => undefined, sandboxEnded: () => null };
    const hub = new TerminalHub(
      async () => {
        const shell = new SlowDyingShell();
        shells.push(shell);
        return shell;
      },
      { ...DEFAULT_TERMINAL_OPTIONS, graceMs: 20 },
      hooks,
      createLogger('silent'),
    );

    const first = await hub.attach('sbx-1', 1, 'rw', new RecordingSink(), hello);
    first.terminal.detach(first.viewer);
    await sleep(60);
    assert.equal(shells[0]!.killed, true, 'the grace ran out: the first shell is being ended');
    assert.equal(first.terminal.isEnded, true, 'a shell being ended takes no viewer');

    const backSink = new RecordingSink();
    const back = await hub.attach('sbx-1', 1, 'rw', backSink, hello);
    assert.equal(shells.length, 2, 'the returning viewer got a new shell');
    assert.notEqual(back.terminal, first.terminal);
    assert.equal(hub.get('sbx-1', 1), back.terminal);

    // The old shell dies now: its exit reaches nobody, and the new terminal stays the tab's.
    shells[0]!.die();
    await sleep(10);
    assert.equal(backSink.closed, undefined);
    assert.deepEqual(backSink.controls.map((c) => c.type), ['hello']);
    assert.equal(hub.get('sbx-1', 1), back.terminal);
    assert.deepEqual(hub.tabs('sbx-1'), [1]);

    back.terminal.detach(back.viewer);
    await sleep(60);
    shells[1]!.die();
    await hub.stop();
  });
});
