// Checks what a lesson's hints open (`[label](open:path#L12)`, contract/hint-links.ts) against
// the lesson itself: the file must be one of its starter files or written by one of its file
// blocks (```dockerfile title="path"), and have the line. The schema already refused malformed
// links; this needs the files, so it runs where a lesson is loaded (the server, lessons:verify).
import fs from 'node:fs';
import path from 'node:path';
import { hintFileLinks } from '../../contract/hint-links.js';
import type { Lesson } from '../../lessons/schema.js';

/** The files a lesson's file blocks write (relative to the workspace), each with its most lines. */
export function fileBlockLines(source: string): Map<string, number> {
  const blocks = new Map<string, number>();
  const fence = /^(`{3,}|~{3,})[^\n]*?\stitle=(?:"([^"]*)"|'([^']*)'|(\S+))[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
  for (const match of source.matchAll(fence)) {
    const title = (match[2] ?? match[3] ?? match[4] ?? '').trim().replace(/^~\/workshop\//, '').replace(/^\.\//, '');
    if (!title) continue;
    const lines = match[5]!.replace(/\n$/, '').split('\n').length;
    blocks.set(title, Math.max(blocks.get(title) ?? 0, lines));
  }
  return blocks;
}

function linesOf(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
}

/** Each hint link that opens a file the lesson does not have, or a line that file lacks, as "steps[i].hints[j]: ...". */
export function hintTargetProblems(lesson: Lesson, source: string, filesDir: string | undefined): string[] {
  const blocks = fileBlockLines(source);
  const problems: string[] = [];
  lesson.steps.forEach((step, i) => {
    step.hints.forEach((hint, j) => {
      for (const link of hintFileLinks(hint)) {
        const where = `steps[${i}].hints[${j}]: ${link.raw}`;
        const starter = filesDir ? path.join(filesDir, link.path) : undefined;
        let lines: number | undefined;
        if (starter && fs.existsSync(starter) && fs.statSync(starter).isFile()) lines = linesOf(starter);
        else if (blocks.has(link.path)) lines = blocks.get(link.path);
        if (lines === undefined) {
          problems.push(`${where}: opens "${link.path}", which is neither one of the lesson's starter files nor written by one of its file blocks (title="${link.path}")`);
        } else if (link.line !== undefined && link.line > Math.max(lines, 1)) {
          problems.push(`${where}: "${link.path}" has ${lines} line${lines === 1 ? '' : 's'}, so there is no line ${link.line}`);
        }
      }
    });
  });
  return problems;
}
