// Evaluates checks and steps. Every check ends as a result with a message; an error while
// looking (engine restarting, exec failing) becomes a failed result that says so, never an
// exception that would stop the other checks.
import type { Check, Step } from '../../lessons/schema.js';
import { engineNotUpYet, type EngineState } from '../feed/sandboxes.js';
import type { CheckContext } from './context.js';
import { expectation } from './expectation.js';
import { checkCommand, notYet, notYetPhrase } from './kinds/command.js';
import { checkCompose } from './kinds/compose.js';
import { checkContainer } from './kinds/container.js';
import { checkFile } from './kinds/file.js';
import { checkHttp } from './kinds/http.js';
import { checkImage } from './kinds/image.js';
import { checkNetwork } from './kinds/network.js';
import { checkScript } from './kinds/script.js';
import { checkVolume } from './kinds/volume.js';
import type { CheckResult, StepResult, Verdict } from './result.js';

/** What a check says while the sandbox's engine is still starting. */
export const ENGINE_STARTING = "Not checked yet: your sandbox's Docker Engine is still starting. This step is checked as soon as it is up.";

async function verdict(check: Check, ctx: CheckContext): Promise<Verdict & { checks?: CheckResult[] }> {
  switch (check.kind) {
    case 'container': return checkContainer(check, ctx);
    case 'image': return checkImage(check, ctx);
    case 'volume': return checkVolume(check, ctx);
    case 'network': return checkNetwork(check, ctx);
    case 'compose': return checkCompose(check, ctx);
    case 'http': return checkHttp(check, ctx);
    case 'file': return checkFile(check, ctx);
    case 'command': return checkCommand(check, ctx);
    case 'script': return checkScript(check, ctx);
    case 'all': {
      const checks = await Promise.all(check.checks.map((c) => evaluateCheck(c, ctx)));
      const failed = checks.find((c) => !c.passed);
      return { passed: !failed, message: failed ? failed.message : checks.map((c) => c.message).join(' '), checks };
    }
    case 'any': {
      const checks = await Promise.all(check.checks.map((c) => evaluateCheck(c, ctx)));
      const passed = checks.find((c) => c.passed);
      if (passed) return { passed: true, message: passed.message, checks };
      // One sentence about what is expected, then what the sandbox shows that comes closest
      // (a state check's observation says more than "you have not typed it").
      if (check.label !== undefined || check.checks.every((c) => c.kind === 'command')) {
        const wanted = expectation(check);
        const observed = checks.find((c) => c.kind !== 'command' && c.kind !== 'any' && c.kind !== 'all' && !c.error);
        const message = observed ? `${notYetPhrase(wanted)} ${observed.message}` : notYet(wanted, ctx.commands(), [wanted, ...checks.map((c) => c.label)].join(' '));
        return { passed: false, message, checks };
      }
      return { passed: false, message: `None of the ways holds: ${checks.map((c) => c.message.replace(/\.$/, '')).join('; ')}.`, checks };
    }
  }
}

export async function evaluateCheck(check: Check, ctx: CheckContext): Promise<CheckResult> {
  const started = performance.now();
  const label = expectation(check);
  try {
    const result = await verdict(check, ctx);
    return { kind: check.kind, label, ...result, ms: performance.now() - started };
  } catch (err) {
    return { kind: check.kind, label, passed: false, error: true, message: lookFailure(err, ctx.engineState), ms: performance.now() - started };
  }
}

/** All checks of a step, at once: they share the context's reads. */
export async function evaluateStep(step: Pick<Step, 'checks'>, ctx: CheckContext): Promise<StepResult> {
  const checks = await Promise.all(step.checks.map((check) => evaluateCheck(check, ctx)));
  const failed = checks.find((c) => !c.passed);
  return { passed: !failed, message: failed ? failed.message : checks.map((c) => c.message).join(' '), checks };
}

/** Why the check could not look, in words that do not blame the learner. */
function lookFailure(err: unknown, engineState: EngineState): string {
  const e = err as { code?: string; statusCode?: number; message?: string; json?: { message?: string } };
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'ECONNRESET') {
    // Engines start after the prompt (sandboxes/lifecycle/engines.ts): a state, not a fault.
    const notUp = engineNotUpYet(engineState);
    if (notUp === 'starting') return ENGINE_STARTING;
    if (notUp === 'on-use') return 'Not checked yet: your sandbox\'s Docker Engine starts with your first docker command.';
    return 'Could not check: the sandbox\'s Docker Engine is not answering right now (it may be restarting). Checking again soon.';
  }
  const detail = e.json?.message ?? e.message ?? String(err);
  return `Could not check: ${detail.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim()}`;
}
