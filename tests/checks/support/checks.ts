// Evaluates checks against a real sandbox the way the server does, and asserts both ways with
// the message: a check must fail, and say why, before the thing exists, and pass after.
import assert from 'node:assert/strict';
import { checkSchema } from '../../../lessons/schema.js';
import { createContext } from '../../../sandbox-server/checks/context.js';
import { evaluateCheck } from '../../../sandbox-server/checks/evaluate.js';
import type { CheckResult } from '../../../sandbox-server/checks/result.js';
import { CommandStore } from '../../../sandbox-server/store/commands.js';
import type { TestServer } from '../../support/server.js';

export interface Checker {
  history: CommandStore;
  run(check: unknown, commandsSince?: number): Promise<CheckResult>;
  /** Asserts a genuine failure (not "could not check") whose message matches. */
  fails(check: unknown, message: RegExp): Promise<CheckResult>;
  passes(check: unknown, message?: RegExp): Promise<CheckResult>;
  /** Polls until the check passes (states that take a moment: health, a server starting). */
  eventuallyPasses(check: unknown, message?: RegExp, timeoutMs?: number): Promise<CheckResult>;
}

export function checker(server: TestServer, sandboxId: string): Checker {
  const history = new CommandStore(server.db);
  const run = (input: unknown, commandsSince = 0) => evaluateCheck(checkSchema.parse(input), createContext({ driver: server.driver, history }, sandboxId, commandsSince));
  return {
    history,
    run,
    async fails(input, message) {
      const result = await run(input);
      assert.equal(result.passed, false, `expected ${JSON.stringify(input)} to fail, but it passed: ${result.message}`);
      assert.ok(!result.error, `expected a real failure, but the check could not look: ${result.message}`);
      assert.match(result.message, message);
      return result;
    },
    async passes(input, message) {
      const result = await run(input);
      assert.equal(result.passed, true, `expected ${JSON.stringify(input)} to pass, but: ${result.message}`);
      if (message) assert.match(result.message, message);
      return result;
    },
    async eventuallyPasses(input, message, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let result = await run(input);
      while (!result.passed && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        result = await run(input);
      }
      assert.equal(result.passed, true, `expected ${JSON.stringify(input)} to pass within ${timeoutMs} ms, but: ${result.message}`);
      if (message) assert.match(result.message, message);
      return result;
    },
  };
}
