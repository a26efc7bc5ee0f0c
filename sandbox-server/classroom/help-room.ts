// Helping the room during a workshop: a message to everyone or a hint to chosen learners (a
// banner on exactly their pages), a learner's raised hand ("I need help") until an instructor
// lowers it, and a step an instructor marks done or not done for a learner whose check
// misfired. It acts on the classroom's rows and tells the learner's pages and the dashboard
// through the classroom (classroom.ts), which hands it those few things.
import type { LearnerState } from '../../contract/classroom-api.js';
import type { ClassroomAction } from '../../contract/classroom-events.js';
import type { LearnerView } from '../../contract/dashboard.js';
import { DEFAULT_INSTRUCTOR_NAME } from '../../contract/instructors.js';
import type { LessonChecks } from '../checks/service.js';
import type { Sessions } from '../sessions/sessions.js';
import { ClassroomError } from './errors.js';
import type { HelpDesk } from './help-desk.js';
import { classroomWords, spokenBy, type NoticeWords } from './learner-notices.js';
import type { LearnerRow, WorkshopRow, WorkshopStore } from './store.js';

/** A message or hint is news this long: a page opened within it still shows the latest. */
const MESSAGE_NEWS_MS = 15 * 60_000;

export interface HelpRoomDeps {
  store: WorkshopStore;
  help: HelpDesk;
  checks: LessonChecks;
  sessions: Sessions;
  workshop(id: string): WorkshopRow;
  findLearner(workshopId: string, id: string): LearnerRow;
  learnerState(sessionId: string): LearnerState | undefined;
  /** The learner's row changed: the dashboard hears it; their view as it is now. */
  publishLearner(sessionId: string): LearnerView | undefined;
  /** Tells the learner's open pages what an instructor did. */
  tell(sessionId: string, action: ClassroomAction, words: NoticeWords): void;
}

export class HelpRoom {
  constructor(private readonly deps: HelpRoomDeps) {}

  /**
   * A message to everyone still in the workshop (`learnerIds` undefined), or a hint to exactly
   * those learners; each sees it on their page at once. Returns the names of those it reached.
   */
  message(workshopId: string, learnerIds: string[] | undefined, text: string, instructor?: string | null): string[] {
    this.running(this.deps.workshop(workshopId));
    const targets = learnerIds ? [...new Set(learnerIds)].map((id) => this.deps.findLearner(workshopId, id)) : this.deps.store.learners(workshopId);
    const removed = targets.find((l) => l.removed_at !== null);
    if (removed) throw new ClassroomError('removed', `${removed.display_name} was removed from this workshop: re-admit them first, or leave them out.`);
    const by = spokenBy(instructor);
    const action = learnerIds ? 'hint' : 'message';
    this.deps.help.send(workshopId, learnerIds ? targets.map((l) => l.session_id) : null, text, by);
    for (const learner of targets) this.deps.tell(learner.session_id, action, classroomWords[action](by, text));
    return targets.map((l) => l.display_name);
  }

  /** The learner raises their hand ("I need help"), with an optional line; the dashboard lists it. */
  raiseHand(sessionId: string, line: string): LearnerState {
    this.helpable(sessionId);
    this.deps.help.raise(sessionId, line);
    this.deps.publishLearner(sessionId);
    return this.deps.learnerState(sessionId)!;
  }

  /** The learner lowers their own hand. */
  lowerHand(sessionId: string): LearnerState {
    this.helpable(sessionId);
    this.deps.help.lower(sessionId, null);
    this.deps.publishLearner(sessionId);
    return this.deps.learnerState(sessionId)!;
  }

  /** An instructor saw the learner's raised hand: it comes down, and the learner is told. */
  clearHand(workshopId: string, id: string, instructor?: string | null): LearnerView {
    const learner = this.deps.findLearner(workshopId, id);
    const by = spokenBy(instructor);
    if (this.deps.help.lower(learner.session_id, by)) this.deps.tell(learner.session_id, 'hand_cleared', classroomWords.hand_cleared(by));
    return this.deps.publishLearner(learner.session_id)!;
  }

  /**
   * An instructor marks a step done or not done for a learner (a check that misfired): kept
   * with their name, shown on the learner's page and in the exports; the audit log has when.
   */
  async markStep(workshopId: string, id: string, lesson: string, step: string, done: boolean, instructor?: string | null): Promise<LearnerView> {
    const learner = this.deps.findLearner(workshopId, id);
    if (!(JSON.parse(this.deps.workshop(workshopId).lessons) as string[]).includes(lesson)) throw new ClassroomError('invalid_input', `lesson: "${lesson}" is not one of this workshop's lessons`);
    const session = this.deps.sessions.get(learner.session_id);
    if (!session) throw new ClassroomError('no_learner', `${learner.display_name} has no session any more.`);
    const { title } = await this.deps.checks.mark(session, lesson, step, done ? (instructor ?? DEFAULT_INSTRUCTOR_NAME) : null);
    const by = spokenBy(instructor);
    this.deps.tell(learner.session_id, done ? 'marked' : 'unmarked', classroomWords[done ? 'marked' : 'unmarked'](by, title));
    return this.deps.publishLearner(learner.session_id)!;
  }

  /** A learner who may raise or lower a hand: in a running workshop, not removed. */
  private helpable(sessionId: string): LearnerRow {
    const learner = this.deps.store.learner(sessionId);
    if (!learner) throw new ClassroomError('not_in_workshop', 'This browser has not joined a workshop.');
    this.running(this.deps.workshop(learner.workshop_id));
    if (learner.removed_at !== null) throw new ClassroomError('removed', 'The instructor removed you from this workshop. Ask them if this is a mistake.');
    return learner;
  }

  /** Messages and hands need a running workshop: refused, with why, before it starts and after it ends. */
  private running(workshop: WorkshopRow): void {
    if (workshop.state === 'created') throw new ClassroomError('not_started', 'The workshop has not started yet: nobody has joined.');
    if (workshop.state === 'ended') throw new ClassroomError('already_ended', 'This workshop has ended.');
  }

  /** The latest message or hint that reached the learner while it is news, for their state. */
  latestMessage(learner: LearnerRow): LearnerState['message'] {
    const sent = this.deps.help.latestFor(learner.workshop_id, learner.session_id, Date.now() - MESSAGE_NEWS_MS);
    return sent ? { action: sent.action, at: sent.at, ...classroomWords[sent.action](sent.by, sent.text) } : null;
  }
}
