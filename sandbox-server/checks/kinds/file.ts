// `file` checks: a path in the learner's workspace (where their terminal starts).
import type { FileCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { lastLine, q } from '../describe.js';
import { fail, pass, type Verdict } from '../result.js';
import { readSandboxFile } from '../sandbox-files.js';
import { textFacts, textProblem, wantsText } from './text.js';

export async function checkFile(check: FileCheck, ctx: CheckContext): Promise<Verdict> {
  // Exec runs in the workspace, so a relative path is relative to it, as in the terminal.
  const file = await readSandboxFile(ctx, check.path, wantsText(check));
  if (check.exists === false) return file.type === 'missing' ? pass(`There is no ${check.path} — it is gone.`) : fail(`${check.path} still exists.`);
  if (file.type === 'missing') return fail(`There is no ${check.path} in the workspace.`);
  if (file.type === 'directory') return wantsText(check) ? fail(`${check.path} is a folder, not a file.`) : pass(`Folder ${check.path} exists.`);
  if (!wantsText(check)) return pass(`${check.path} exists.`);
  const problem = textProblem(file.content, check);
  if (problem) {
    const last = lastLine(file.content);
    return fail(`${check.path} ${problem} (${last ? `its last line is ${q(last)}` : 'it is empty'}).`);
  }
  return pass(`${check.path} ${textFacts(check)}.`);
}
