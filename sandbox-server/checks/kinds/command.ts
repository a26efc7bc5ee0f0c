// `command` checks: for steps that change nothing (`docker ps -a`, `docker logs`), the commands
// the learner's shell reported when it returned to the prompt. Messages say in words what was
// expected (the label, or the literal text) and what the learner's last related command was;
// a pattern is never shown.
import type { CommandCheck } from '../../../lessons/schema.js';
import type { ShellCommand } from '../../store/commands.js';
import type { CheckContext } from '../context.js';
import { q } from '../describe.js';
import { expectation } from '../expectation.js';
import { fail, pass, type Verdict } from '../result.js';
import { textProblem } from './text.js';

/** Bash's code for a program stopped by Ctrl+C: how one ends `docker logs -f` or `watch`. */
const INTERRUPTED = 130;

/** Whether the command's exit code means what `succeeded` asks for. */
export function exitMeets(exitCode: number, succeeded: boolean | undefined): boolean {
  if (succeeded === undefined) return true;
  const ok = exitCode === 0 || exitCode === INTERRUPTED;
  return ok === succeeded;
}

/** The program a command line runs, past `sudo`, `timeout N`, `time` and `VAR=value` prefixes. */
export function commandWords(command: string): string[] {
  const words = command.trim().split(/\s+/);
  for (;;) {
    const first = words[0];
    if (first === undefined) return words;
    if (first === 'sudo' || first === 'time' || first === 'command' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) words.shift();
    else if (first === 'timeout') words.splice(0, words[1]?.startsWith('-') ? 3 : 2);
    else return words;
  }
}

/** The last command that runs a program the check speaks of (`docker`, `curl`...), else the last one. */
function lastRelated(commands: ShellCommand[], words: string): ShellCommand | undefined {
  const related = commands.filter((c) => {
    const program = commandWords(c.command)[0];
    return program !== undefined && new RegExp(`(^|[\\s\`'"(])${program.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(words);
  });
  return related.at(-1) ?? commands.at(-1);
}

const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text);

/** "Not yet: <what is expected>." */
export const notYetPhrase = (wanted: string): string => `Not yet: ${lowerFirst(wanted)}.`;

/** "Not yet: <what is expected>. Your last related command was '…'." */
export function notYet(wanted: string, commands: ShellCommand[], words = wanted): string {
  const last = lastRelated(commands, words);
  return `${notYetPhrase(wanted)}${last ? ` Your last ${last === commands.at(-1) ? '' : 'related '}command was ${q(last.command, 120)}.` : ''}`;
}

export async function checkCommand(check: CommandCheck, ctx: CheckContext): Promise<Verdict> {
  const commands = ctx.commands();
  const matching = commands.filter((c) => textProblem(c.command, check) === undefined);
  const done = matching.filter((c) => exitMeets(c.exitCode, check.succeeded));
  if (done.length) {
    const last = done.at(-1)!;
    return pass(`You ran ${q(last.command, 120)}${last.exitCode === 0 ? '' : last.exitCode === INTERRUPTED ? ' (stopped with Ctrl+C)' : ` (it exited with code ${last.exitCode})`}.`);
  }
  if (matching.length) {
    const last = matching.at(-1)!;
    return fail(
      check.succeeded
        ? `You ran ${q(last.command, 120)}, but it did not work (it exited with code ${last.exitCode}): read what it printed, fix it and run it again.`
        : `You ran ${q(last.command, 120)}, and it worked (code ${last.exitCode}); this step expects it to fail.`,
    );
  }
  const wanted = expectation(check);
  return fail(notYet(wanted, commands, `${wanted} ${check.contains ?? ''}`));
}
