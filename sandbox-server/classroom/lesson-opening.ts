// Opens the lesson a workshop learner is on: in the background right after they join (so their
// first command counts and the page finds the lesson ready), or at once after a reset. Opening
// gives the learner a sandbox if they have none, so it never runs for a learner who was removed
// (or whose workshop ended) while it waited.
import pLimit from 'p-limit';
import type { LessonChecks } from '../checks/service.js';
import type { LessonLibrary } from '../lessons/library.js';
import type { Logger } from '../log.js';
import type { Sessions } from '../sessions/sessions.js';
import type { ProgressStore } from '../store/progress.js';
import type { SessionRow } from '../store/sessions.js';
import type { LearnerRow, WorkshopRow, WorkshopStore } from './store.js';

/**
 * Lessons are opened ahead for learners who just joined, a moment later and a couple at a time:
 * thirty at once (a class joining together) starved the joins and terminals themselves. The
 * lesson page opens its lesson on demand anyway; these only get a head start.
 */
const BACKGROUND_OPENS = 2;
const BACKGROUND_OPEN_DELAY_MS = 1000;

export interface LessonOpeningDeps {
  checks: LessonChecks;
  progress: ProgressStore;
  library: LessonLibrary;
  sessions: Sessions;
  store: Pick<WorkshopStore, 'learner' | 'get'>;
  log: Logger;
}

export class LessonOpening {
  private readonly limit = pLimit(BACKGROUND_OPENS);
  /** Openings under way, awaited by stop(). */
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;
  /** Wakes the openings still waiting out their delay, so a stop does not wait for it. */
  private readonly wake = new Set<() => void>();

  constructor(private readonly deps: LessonOpeningDeps) {}

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wake) wake();
    await Promise.allSettled([...this.pending]);
  }

  /**
   * Joining answers as soon as the learner has a sandbox; the lesson (starter files, first
   * evaluation) opens meanwhile. Its opening time is recorded first thing, so a command typed
   * at once still counts; the lesson page opens it again anyway.
   */
  inBackground(learner: LearnerRow, workshop: WorkshopRow): void {
    const lesson = this.lessonOf(learner, workshop);
    if (!lesson) return;
    this.deps.checks.markOpened(lesson.session, lesson.slug);
    const delay = new Promise<void>((resolve) => {
      const timer = setTimeout(done, BACKGROUND_OPEN_DELAY_MS).unref();
      const wake = this.wake;
      function done() {
        clearTimeout(timer);
        wake.delete(done);
        resolve();
      }
      wake.add(done);
    });
    const opening = delay
      .then(() => this.limit(() => (this.stopped ? undefined : this.now(learner, workshop, { ahead: true }))))
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'could not open the lesson for a learner'))
      .finally(() => this.pending.delete(opening));
    this.pending.add(opening);
  }

  /**
   * Opens the lesson the learner is on, while they are still in the running workshop. `ahead`
   * (after a join): should the learner open another lesson meanwhile, theirs keeps the checks.
   */
  async now(learner: LearnerRow, workshop: WorkshopRow, options: { ahead?: boolean } = {}): Promise<void> {
    const current = this.deps.store.learner(learner.session_id);
    if (!current || current.removed_at !== null || this.deps.store.get(workshop.id)?.state !== 'running') return;
    const lesson = this.lessonOf(learner, workshop);
    if (lesson) await this.deps.checks.open(lesson.session, lesson.slug, options);
  }

  /** The lesson the learner is on: their last opened one of the workshop, else its first. */
  private lessonOf(learner: LearnerRow, workshop: WorkshopRow): { session: SessionRow; slug: string } | undefined {
    const lessons = JSON.parse(workshop.lessons) as string[];
    const last = this.deps.progress.lastOpened(learner.session_id);
    const slug = last && lessons.includes(last.lesson) ? last.lesson : lessons[0];
    const session = this.deps.sessions.get(learner.session_id);
    if (!slug || !session || !this.deps.library.get(slug)) return undefined;
    return { session, slug };
  }
}
