// The lessons the server knows: every lessons/**/*.mdx (folders starting with _ or . are
// skipped, as the site's glob does), validated with the shared schema. A bad file is reported
// and left out; the other lessons stay available. The folder is re-read when it changes, so
// an author editing a lesson sees it without restarting.
import fs from 'node:fs';
import path from 'node:path';
import { lessonSlug, type Lesson } from '../../lessons/schema.js';
import { LessonError, parseLesson } from './frontmatter.js';
import { hintTargetProblems } from './hint-targets.js';

export interface LoadedLesson {
  slug: string;
  /** Absolute path of the MDX file. */
  file: string;
  lesson: Lesson;
  /** Absolute path of the starter files folder, when the lesson has one. */
  filesDir: string | undefined;
}

export interface LessonProblem {
  file: string;
  message: string;
}

/** How often at most the folder is looked at for changes. */
const RESCAN_MS = 1000;

export function findLessonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('_') || entry.name.startsWith('.') || entry.name === 'node_modules') return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findLessonFiles(full);
    return entry.isFile() && entry.name.endsWith('.mdx') ? [full] : [];
  }).sort();
}

/** A path for messages: relative to the working directory when it is inside it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

/** Loads one lesson file; throws a LessonError naming the file and the field. */
export function loadLesson(file: string, lessonsDir: string): LoadedLesson {
  const shown = shownPath(file);
  const source = fs.readFileSync(file, 'utf8');
  const lesson = parseLesson(source, shown);
  const slug = lessonSlug(path.relative(lessonsDir, file), lesson);
  const isIndex = path.basename(file) === 'index.mdx';
  const files = lesson.files ?? (isIndex ? '_files' : undefined);
  let filesDir: string | undefined;
  if (files !== undefined) {
    const candidate = path.resolve(path.dirname(file), files);
    if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) filesDir = candidate;
    else if (lesson.files !== undefined) throw new LessonError(shown, [`files: the folder "${files}" does not exist next to the lesson`]);
  }
  // A hint that opens a file the learner will not have, or a line it lacks, is the author's mistake.
  const targets = hintTargetProblems(lesson, source, filesDir);
  if (targets.length > 0) throw new LessonError(shown, targets);
  return { slug, file, lesson, filesDir };
}

export class LessonLibrary {
  private lessons = new Map<string, LoadedLesson>();
  private problemList: LessonProblem[] = [];
  private signature = '';
  private scannedAt = 0;

  constructor(readonly dir: string) {}

  /** Every valid lesson, in curriculum order. */
  list(): LoadedLesson[] {
    this.refresh();
    return [...this.lessons.values()].sort((a, b) => a.lesson.order - b.lesson.order || a.slug.localeCompare(b.slug));
  }

  get(slug: string): LoadedLesson | undefined {
    this.refresh();
    return this.lessons.get(slug);
  }

  /** Files that could not be loaded, each with what is wrong. */
  problems(): LessonProblem[] {
    this.refresh();
    return this.problemList;
  }

  /** Re-reads the folder if any lesson file changed (at most once a second unless forced). */
  refresh(force = false): void {
    const now = Date.now();
    if (!force && now - this.scannedAt < RESCAN_MS) return;
    this.scannedAt = now;
    const files = findLessonFiles(this.dir);
    const signature = files.map((f) => `${f}:${fs.statSync(f).mtimeMs}`).join('|');
    if (!force && signature === this.signature) return;
    this.signature = signature;
    const lessons = new Map<string, LoadedLesson>();
    const problems: LessonProblem[] = [];
    for (const file of files) {
      try {
        const loaded = loadLesson(file, this.dir);
        const clash = lessons.get(loaded.slug);
        if (clash) throw new LessonError(shownPath(file), [`slug: "${loaded.slug}" is already the slug of ${shownPath(clash.file)}; set a different slug`]);
        lessons.set(loaded.slug, loaded);
      } catch (err) {
        problems.push({ file: shownPath(file), message: err instanceof LessonError ? err.message : `${shownPath(file)}: ${(err as Error).message}` });
      }
    }
    this.lessons = lessons;
    this.problemList = problems;
  }
}
