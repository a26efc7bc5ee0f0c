// `script` checks, the escape hatch: the author's script is piped into `bash -s` inside the
// sandbox (never written to disk, where the learner could read or change it). Exit 0 passes;
// the first line it prints is the message.
import type { ScriptCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { firstLine } from '../describe.js';
import { fail, pass, type Verdict } from '../result.js';

const DEFAULT_TIMEOUT_S = 10;

export async function checkScript(check: ScriptCheck, ctx: CheckContext): Promise<Verdict> {
  const timeout = check.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  const result = await ctx.exec(['bash', '-s'], { stdin: check.script, timeoutMs: timeout * 1000, maxOutputBytes: 64 * 1024 });
  if (result.timedOut) return fail(`The check script did not finish within ${timeout} s.`);
  const said = firstLine(result.stdout) ?? firstLine(result.stderr);
  if (result.exitCode === 0) return pass(said ?? 'The check script passed.');
  return fail(said ?? `The check script failed (exit code ${result.exitCode}).`);
}
