// The trigger's debounce on a mocked clock: one evaluation per burst, the quiet time after the
// last trigger (short after a prompt, longer after engine events), never later than the max wait
// after the first, and nothing once cancelled.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ENGINE_QUIET_MS, MAX_WAIT_MS, PROMPT_QUIET_MS, Trigger, type TriggerReason } from './trigger.js';

describe('trigger', () => {
  let fired: Array<{ at: number; reasons: TriggerReason[] }>;
  let trigger: Trigger;
  /** Moves the clock a millisecond at a time, so that a callback reads the time it was due at. */
  const tick = (ms: number) => {
    for (let i = 0; i < ms; i++) mock.timers.tick(1);
  };

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    fired = [];
    trigger = new Trigger((reasons) => fired.push({ at: Date.now(), reasons: [...reasons].sort() }));
  });

  afterEach(() => {
    trigger.cancel();
    mock.timers.reset();
  });

  it('fires once, the engine quiet time after an engine event, not before', () => {
    trigger.schedule('engine');
    tick(ENGINE_QUIET_MS - 1);
    assert.deepEqual(fired, []);
    tick(1);
    assert.deepEqual(fired, [{ at: ENGINE_QUIET_MS, reasons: ['engine'] }]);
    tick(5 * MAX_WAIT_MS);
    assert.equal(fired.length, 1, 'one burst, one evaluation');
  });

  it('waits for the burst to go quiet: each event restarts the quiet time', () => {
    trigger.schedule('engine');
    tick(150);
    trigger.schedule('engine');
    tick(150);
    trigger.schedule('engine');
    tick(ENGINE_QUIET_MS - 1);
    assert.deepEqual(fired, []);
    tick(1);
    assert.deepEqual(fired, [{ at: 300 + ENGINE_QUIET_MS, reasons: ['engine'] }]);
  });

  it('fires no later than the max wait after the first trigger of a steady stream', () => {
    // A container restarting in a loop: an event every 150 ms, never a quiet moment.
    for (let t = 0; t < 3 * MAX_WAIT_MS; t += 150) {
      trigger.schedule('engine');
      tick(150);
    }
    assert.ok(fired.length >= 2, `a steady stream is still evaluated (${fired.length} times)`);
    assert.equal(fired[0]!.at, MAX_WAIT_MS);
    // The next burst starts at the first trigger after the evaluation, and is capped from there.
    for (let i = 1; i < fired.length; i++) assert.ok(fired[i]!.at - fired[i - 1]!.at <= MAX_WAIT_MS + 150, JSON.stringify(fired));
  });

  it('after a save in the editor, waits only the short prompt quiet time', () => {
    trigger.schedule('save');
    tick(PROMPT_QUIET_MS - 1);
    assert.deepEqual(fired, []);
    tick(1);
    assert.deepEqual(fired, [{ at: PROMPT_QUIET_MS, reasons: ['save'] }]);
  });

  it('after a prompt, waits only the short prompt quiet time, and names every reason of the burst', () => {
    trigger.schedule('engine');
    tick(100);
    trigger.schedule('prompt');
    tick(PROMPT_QUIET_MS - 1);
    assert.deepEqual(fired, []);
    tick(1);
    assert.deepEqual(fired, [{ at: 100 + PROMPT_QUIET_MS, reasons: ['engine', 'prompt'] }]);
  });

  it('keeps the short wait for engine stragglers after the prompt in the same burst', () => {
    trigger.schedule('prompt');
    tick(20);
    trigger.schedule('engine');
    tick(PROMPT_QUIET_MS);
    assert.deepEqual(fired, [{ at: 20 + PROMPT_QUIET_MS, reasons: ['engine', 'prompt'] }]);
  });

  it('never waits past the max wait, even for the quiet time of the last trigger', () => {
    trigger.schedule('check');
    for (let t = 100; t < MAX_WAIT_MS; t += 100) {
      tick(100);
      trigger.schedule('engine');
    }
    tick(ENGINE_QUIET_MS);
    assert.deepEqual(fired, [{ at: MAX_WAIT_MS, reasons: ['check', 'engine'] }], 'the last engine event came 100 ms before the max wait: it does not get its full quiet time');
  });

  it('starts afresh after firing: a new burst has its own reasons and max wait', () => {
    trigger.schedule('open');
    tick(ENGINE_QUIET_MS);
    tick(5 * MAX_WAIT_MS);
    trigger.schedule('prompt');
    tick(PROMPT_QUIET_MS);
    assert.deepEqual(fired, [
      { at: ENGINE_QUIET_MS, reasons: ['open'] },
      { at: ENGINE_QUIET_MS + 5 * MAX_WAIT_MS + PROMPT_QUIET_MS, reasons: ['prompt'] },
    ]);
  });

  it('fires nothing once cancelled, and forgets the cancelled reasons', () => {
    trigger.schedule('engine');
    trigger.schedule('prompt');
    trigger.cancel();
    tick(2 * MAX_WAIT_MS);
    assert.deepEqual(fired, []);
    trigger.schedule('engine');
    tick(ENGINE_QUIET_MS);
    assert.deepEqual(fired, [{ at: 2 * MAX_WAIT_MS + ENGINE_QUIET_MS, reasons: ['engine'] }], 'the prompt of the cancelled burst does not shorten this one');
  });
});
