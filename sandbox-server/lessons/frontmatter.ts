// Reads and validates one lesson file's frontmatter with the shared schema. Errors name the
// file, the line and the field ("lessons/x/index.mdx:14: steps[0].checks[1].state: ...").
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { ZodIssue } from 'zod';
import { lessonSchema, type Lesson } from '../../lessons/schema.js';

export class LessonError extends Error {
  constructor(
    /** The file, as shown to the author (relative to the working directory when inside it). */
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${file}${p.startsWith(':') ? '' : ': '}${p}`).join('\n'));
  }
}

const FRONTMATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(\r?\n|$)/;

export function fieldPath(path: Array<string | number>): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${part}`)).join('') || '(frontmatter)';
}

/** The file line where a field is, or the nearest enclosing one that exists. */
function lineOf(doc: Document, counter: LineCounter, path: Array<string | number>, firstLine: number): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line + firstLine - 1;
  }
  return undefined;
}

function describeIssue(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (a typo? the fields are listed in docs/authoring.md)`;
  if (issue.code === 'invalid_union_discriminator') return `unknown check kind; expected one of ${issue.options.map(String).join(', ')}`;
  return issue.message;
}

export function parseLesson(source: string, file: string): Lesson {
  const match = FRONTMATTER.exec(source);
  if (!match) throw new LessonError(file, ['has no frontmatter: a lesson starts with a --- block of YAML']);
  const counter = new LineCounter();
  const doc = parseDocument(match[1]!, { lineCounter: counter, prettyErrors: false });
  // The YAML starts on the line after the opening ---.
  const firstLine = 2;
  if (doc.errors.length) {
    throw new LessonError(
      file,
      doc.errors.map((e) => `:${counter.linePos(e.pos[0]).line + firstLine - 1}: invalid YAML: ${e.message.split('\n')[0]}`),
    );
  }
  const parsed = lessonSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  throw new LessonError(
    file,
    parsed.error.issues.map((issue) => {
      const line = lineOf(doc, counter, issue.path, firstLine);
      return `${line ? `:${line}: ` : ''}${fieldPath(issue.path)}: ${describeIssue(issue)}`;
    }),
  );
}
