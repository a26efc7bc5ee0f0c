// `command` checks: for steps that change nothing (`docker ps -a`, `docker logs`), the commands
// the learner's shell reported when it returned to the prompt.
import type { CommandCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { q } from '../describe.js';
import { expectation } from '../expectation.js';
import { fail, pass, type Verdict } from '../result.js';
import { textProblem } from './text.js';

export async function checkCommand(check: CommandCheck, ctx: CheckContext): Promise<Verdict> {
  const commands = ctx.commands();
  const matching = commands.filter((c) => textProblem(c.command, check) === undefined);
  const wanted = expectation({ ...check, label: undefined }).replace(/^You ran /, '');
  const done = matching.filter((c) => check.succeeded === undefined || (c.exitCode === 0) === check.succeeded);
  if (done.length) {
    const last = done.at(-1)!;
    return pass(`You ran ${q(last.command, 120)}${last.exitCode === 0 ? '' : ` (it exited with code ${last.exitCode})`}.`);
  }
  if (matching.length) {
    const last = matching.at(-1)!;
    return fail(`You ran ${q(last.command, 120)}, but it exited with code ${last.exitCode}; expected it to ${check.succeeded ? 'succeed' : 'fail'}.`);
  }
  const last = commands.at(-1);
  return fail(`You have not run ${wanted} yet${last ? ` (your last command was ${q(last.command, 120)})` : ''}.`);
}
