// The terminal's byte-level parts on their own, with output cut at every possible place: the
// replay buffer, the shell-integration parser and the terminal-mode tracker.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { IntegrationParser } from '../../sandbox-server/terminal/integration.js';
import { TerminalModes } from '../../sandbox-server/terminal/modes.js';
import { ReplayBuffer } from '../../sandbox-server/terminal/replay-buffer.js';

describe('replay buffer', () => {
  it('holds the latest bytes by sequence number, within its capacity, through growth and wrap-around', () => {
    for (let trial = 0; trial < 100; trial++) {
      const capacity = 1024 + crypto.randomInt(60_000);
      const buffer = new ReplayBuffer(capacity);
      const all: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        const chunk = crypto.randomBytes(crypto.randomInt(crypto.randomInt(10) === 0 ? 150_000 : 3000));
        buffer.append(chunk);
        all.push(chunk);
        const whole = Buffer.concat(all);
        assert.equal(buffer.head, whole.length);
        assert.equal(buffer.head - buffer.start, Math.min(whole.length, capacity));
        assert.ok(buffer.allocated <= capacity);
        const from = buffer.start + crypto.randomInt(buffer.head - buffer.start + 1);
        assert.ok(buffer.slice(from, buffer.head).equals(whole.subarray(from)), `trial ${trial}, chunk ${i}`);
      }
    }
  });

  it('refuses ranges it no longer holds, and starts a cut replay on a line', () => {
    const buffer = new ReplayBuffer(1024);
    buffer.append(Buffer.from('a'.repeat(1000) + '\nnext line\n' + 'b'.repeat(100)));
    assert.throws(() => buffer.slice(0, 10), RangeError);
    const start = buffer.lineStart(buffer.start);
    assert.equal(buffer.slice(start, start + 10).toString(), 'next line\n');
  });
});

describe('shell integration parser', () => {
  const signal = (payload: string) => `\x1b]6973;${payload}\x07`;
  const stream = [
    'plain \x1b[1;36m~/workshop\x1b[0m # ',
    signal('prompt;0;ZWNobyBoaQ=='),
    'more',
    '\x1b]6973;prompt;127;bm9wZQ==\x1b\\', // ST instead of BEL
    '\x1b]0;a title\x07', // someone else's OSC stays
    '\x1b]6973;cut short\x1b[31m', // ESC ends an unfinished sequence; the CSI stays
    signal('prompt;1;ZmFsc2U='),
    'trailing ESC \x1b',
  ].join('');
  const visible = 'plain \x1b[1;36m~/workshop\x1b[0m # more\x1b]0;a title\x07\x1b[31mtrailing ESC \x1b';
  const payloads = ['prompt;0;ZWNobyBoaQ==', 'prompt;127;bm9wZQ==', 'prompt;1;ZmFsc2U='];

  const run = (cuts: number[]) => {
    const seen: string[] = [];
    const parser = new IntegrationParser((payload) => seen.push(payload));
    let out = '';
    let at = 0;
    for (const cut of [...cuts, stream.length]) {
      for (const piece of parser.push(Buffer.from(stream.slice(at, cut), 'latin1'))) out += piece.toString('latin1');
      at = cut;
    }
    out += parser.flush()?.toString('latin1') ?? '';
    return { out, seen };
  };

  it('finds every signal and strips it, wherever the output is cut in two', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { out, seen } = run([cut]);
      assert.equal(out, visible, `cut at ${cut}`);
      assert.deepEqual(seen, payloads, `cut at ${cut}`);
    }
  });

  it('copes with output arriving one byte at a time', () => {
    const { out, seen } = run(Array.from({ length: stream.length }, (_, i) => i));
    assert.equal(out, visible);
    assert.deepEqual(seen, payloads);
  });
});

describe('terminal modes', () => {
  it('knows the modes in force at any point still held, across chunk cuts', () => {
    const text = 'a\x1b[?2004hb\x1b[?1049h\x1b[?25lvim screen\x1b[?1049l\x1b[?25hc\x1b[?2004l';
    for (let cut = 0; cut <= text.length; cut++) {
      const modes = new TerminalModes();
      modes.scan(Buffer.from(text.slice(0, cut)), 0);
      modes.scan(Buffer.from(text.slice(cut)), cut);
      assert.equal(modes.preambleAt(text.indexOf('vim')), '\x1b[?2004h\x1b[?1049h\x1b[?25l', `cut at ${cut}`);
      assert.equal(modes.preambleAt(text.indexOf('c\x1b')), '\x1b[?2004h', `cut at ${cut}`);
      assert.equal(modes.preambleAt(text.length), '', `cut at ${cut}`);
      assert.equal(modes.alternateScreen, false);
    }
  });

  it('folds forgotten changes into the state at the start of the buffer', () => {
    const modes = new TerminalModes();
    modes.scan(Buffer.from('\x1b[?1049h' + 'x'.repeat(100)), 0);
    modes.forget(50);
    assert.equal(modes.preambleAt(60), '\x1b[?1049h');
    assert.equal(modes.alternateScreen, true);
  });
});
