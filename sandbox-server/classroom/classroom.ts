// Classroom workshops: create and start one (pre-warming sandboxes within what the machine
// holds), let learners join with its code, follow their progress live, act on one learner or
// everyone, end it and keep the results. The dashboard's events go out on the feed's workshops
// channel; a learner's row changes when their channel of the feed says so. The queue is
// admission.ts's, opening lessons ahead lesson-opening.ts's.
// Over 300 lines on purpose: each public method is one instructor or learner action on a
// workshop, and they share the rows, the reserve and the dashboard publishing kept here. Helping
// the room (messages, hints, hands, marked steps) is help-room.ts's, on the same rows.
import crypto from 'node:crypto';
import type { LearnerState } from '../../contract/classroom-api.js';
import type { ClassroomAction } from '../../contract/classroom-events.js';
import type { Capacity, DashboardView, LearnerView, WarmProgress, WorkshopView } from '../../contract/dashboard.js';
import type { LessonChecks } from '../checks/service.js';
import type { Config } from '../config/config.js';
import type { LearnerChannel, WorkshopChannel, WorkshopEvent } from '../feed/index.js';
import type { SandboxChannel } from '../feed/sandboxes.js';
import type { LessonLibrary } from '../lessons/library.js';
import type { Logger } from '../log.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { SandboxError } from '../sandboxes/driver.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { Sessions } from '../sessions/sessions.js';
import type { ProgressStore } from '../store/progress.js';
import { onStandby, type SandboxStore } from '../store/sandboxes.js';
import type { SessionRow } from '../store/sessions.js';
import { Admission, matchLearnerTime } from './admission.js';
import { computeCapacity, computeSpreadCapacity } from './capacity.js';
import { newJoinCode } from './codes.js';
import { ClassroomError } from './errors.js';
import { columnsOf, dashboardView, learnerId, learnerView, workshopView } from './dashboard.js';
import type { HelpDesk } from './help-desk.js';
import { HelpRoom } from './help-room.js';
import { LessonOpening } from './lesson-opening.js';
import type { SetupAhead } from './setup-ahead.js';
import { classroomWords, spokenBy, type NoticeWords } from './learner-notices.js';
import type { LearnerRow, WorkshopRow, WorkshopStore } from './store.js';

/** Why an ended workshop's learner gets no sandbox when the operator offers no practice after the end. */
export const PRACTICE_REFUSED = 'This workshop has ended, and this server offers no practice sandboxes afterwards. You can still read every lesson; to keep practising, run Slipway on your own computer. Thank you for taking part!';

/** Learners are warned this long before their time is up. */
export const WARN_BEFORE_MS = 10 * 60_000;

export interface JoinResult {
  session: SessionRow;
  status: 'ready' | 'queued';
  position: number | null;
  me: LearnerState;
}

export interface ClassroomDeps {
  config: Config;
  store: WorkshopStore;
  sessions: Sessions;
  sandboxes: SandboxStore;
  manager: SandboxManager;
  checks: LessonChecks;
  progress: ProgressStore;
  library: LessonLibrary;
  help: HelpDesk;
  learners: LearnerChannel;
  workshops: WorkshopChannel;
  sandboxEvents: SandboxChannel;
  scheduler: Scheduler;
  /** Runs the workshop's first lesson's setup in pooled sandboxes (setup-ahead.ts). */
  setupAhead?: Pick<SetupAhead, 'workshopStarted'>;
  log: Logger;
}

const WARM_INTERVAL_MS = 1000;

export class Classroom {
  private readonly subscriptions = new Map<string, () => void>();
  private lastWarm = '';
  private readonly admission: Admission;
  private readonly opening: LessonOpening;
  /** Messages, hints, raised hands and steps marked by an instructor (help-room.ts). */
  readonly helpRoom: HelpRoom;

  /**
   * Why a workshop learner may not get a sandbox on their own (the lesson page's "fresh
   * sandbox" or reset), or undefined when they may: the workshop's limits hold there too.
   */
  sandboxRefusal(sessionId: string, now = Date.now()): string | undefined {
    const learner = this.deps.store.learner(sessionId);
    if (!learner) return undefined;
    const workshop = this.deps.store.get(learner.workshop_id);
    if (learner.removed_at) return 'The instructor removed you from this workshop. Ask them if this is a mistake.';
    // After the end the workshop's limits no longer apply: practice is the operator's call.
    if (!workshop || workshop.ended_at) return this.deps.config.practiceAfterEnd ? undefined : PRACTICE_REFUSED;
    if (!learner.admitted_at) return 'You are still waiting for a place in this workshop; the join page shows your place in the queue.';
    if (learner.expires_at !== null && learner.expires_at <= now) return 'Your time in this workshop is over. Ask the instructor for more time.';
    return undefined;
  }

  constructor(private readonly deps: ClassroomDeps) {
    this.opening = new LessonOpening(deps);
    this.helpRoom = new HelpRoom({
      ...deps,
      workshop: (id) => this.workshop(id),
      findLearner: (workshopId, id) => this.findLearner(workshopId, id),
      learnerState: (sessionId) => this.learnerState(sessionId),
      publishLearner: (sessionId) => this.publishLearner(sessionId),
      tell: (sessionId, action, words) => this.tell(sessionId, action, words),
    });
    this.admission = new Admission({
      ...deps,
      capacity: () => this.capacity(),
      admitted: (learner, workshop) => {
        this.follow(learner);
        this.opening.inBackground(learner, workshop);
      },
      leftQueue: (sessionId) => this.publishLearner(sessionId),
    });
  }

  /** Follows the learners of running workshops again (after a restart) and the warm-up. */
  start(): void {
    for (const workshop of this.deps.store.running()) for (const learner of this.deps.store.learners(workshop.id)) this.follow(learner);
    this.updateReserve();
    this.deps.scheduler.add({ name: 'warm-up report', everyMs: WARM_INTERVAL_MS, run: async () => this.publishWarm() });
    this.admission.start();
    // A learner reading the lesson or listening to the instructor is not idle: their sandbox
    // lasts as long as their time in the workshop.
    this.deps.manager.spareWhenIdle((row) => row.session_id !== null && this.inRunningWorkshop(row.session_id));
  }

  private inRunningWorkshop(sessionId: string): boolean {
    const learner = this.deps.store.learner(sessionId);
    if (!learner || learner.removed_at) return false;
    return this.deps.store.get(learner.workshop_id)?.state === 'running';
  }

  /** Stops background work; resolves once admissions and lesson openings under way have settled. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    await Promise.allSettled([this.admission.stop(), this.opening.stop()]);
  }

  capacity(): Capacity {
    // Standby sandboxes have not taken a running sandbox's share of memory (a few MiB, no
    // engine): counted as running, they would raise the capacity they are bounded by.
    const taking = this.deps.sandboxes.live().filter((row) => !onStandby(row));
    const machines = this.deps.manager.machines();
    return machines ? computeSpreadCapacity(this.deps.config, taking.length, machines) : computeCapacity(this.deps.config, taking.length);
  }

  warmProgress(): WarmProgress {
    const counts = this.deps.sandboxes.countByState();
    const pooled = this.deps.sandboxes.countPooled();
    return {
      target: this.deps.manager.poolTarget(),
      pooled: pooled.warm,
      standby: { ready: pooled.standby, target: this.deps.manager.standbyTarget() },
      creating: counts.creating ?? 0,
      inUse: (counts.assigned ?? 0) + (counts.active ?? 0),
      engines: this.deps.manager.engines.counts(),
      capacity: this.capacity(),
    };
  }

  // --- workshops -------------------------------------------------------------------------

  create(input: { title: string; lessons: string[]; expectedSize: number; sessionMinutes: number }): WorkshopView {
    const unknown = input.lessons.filter((slug) => !this.deps.library.get(slug));
    if (unknown.length) throw new ClassroomError('invalid_input', `lessons: no lesson ${unknown.map((s) => `"${s}"`).join(', ')} on this server`);
    let code = newJoinCode();
    while (this.deps.store.codeTaken(code)) code = newJoinCode();
    const row = this.deps.store.insert({
      id: `ws-${crypto.randomBytes(5).toString('hex')}`,
      code,
      title: input.title,
      lessons: JSON.stringify(input.lessons),
      expected_size: input.expectedSize,
      session_ms: input.sessionMinutes * 60_000,
      created_at: Date.now(),
    });
    return workshopView(row);
  }

  list(): WorkshopView[] {
    return this.deps.store.list().map(workshopView);
  }

  workshop(id: string): WorkshopRow {
    const row = this.deps.store.get(id);
    if (!row) throw new ClassroomError('no_workshop', `No workshop "${id.slice(0, 40)}".`);
    return row;
  }

  /** Opens the workshop to learners and pre-warms sandboxes for the expected size. */
  startWorkshop(id: string): WorkshopView {
    const row = this.workshop(id);
    if (row.state === 'ended') throw new ClassroomError('already_ended', 'This workshop has ended; create a new one.');
    this.deps.store.setState(id, 'running');
    this.updateReserve();
    this.deps.setupAhead?.workshopStarted();
    const view = workshopView(this.workshop(id));
    this.emit(id, { type: 'workshop', data: view });
    return view;
  }

  /** Destroys the workshop's sandboxes (and what was pre-warmed for it); keeps its results. */
  /** `instructor`: who ends it, named to the learners (here and in each action below); unnamed, "Your instructor". */
  async end(id: string, instructor?: string | null): Promise<WorkshopView> {
    const row = this.workshop(id);
    this.deps.store.setState(id, 'ended');
    this.updateReserve();
    const learners = this.deps.store.learners(id, true);
    await Promise.all(
      learners.map(async (learner) => {
        this.unfollow(learner.session_id);
        const sandbox = this.liveSandboxOf(learner);
        if (sandbox) await this.deps.manager.destroy(sandbox.id, 'released', 'The workshop has ended; your results are kept.');
      }),
    );
    // Sandboxes warmed for learners who never came, and those on standby.
    await this.deps.manager.trimPool();
    const view = workshopView(this.workshop(row.id));
    this.emit(id, { type: 'workshop', data: view });
    for (const learner of learners) {
      this.publishLearner(learner.session_id);
      if (learner.removed_at === null) this.tell(learner.session_id, 'ended', classroomWords.ended(spokenBy(instructor)));
    }
    return view;
  }

  dashboard(id: string): DashboardView {
    const row = this.workshop(id);
    const columns = columnsOf(this.deps.library, JSON.parse(row.lessons) as string[]);
    const learners = this.deps.store.learners(id, true).map((l) => this.viewOf(l, columns));
    return dashboardView(row, columns, learners);
  }

  // --- learners --------------------------------------------------------------------------

  /**
   * A learner joins with the code and a name; a cookie session already in it resumes. One who
   * resumes under another name is asked first (`name_differs`), then keeps or changes it as told.
   */
  async join(code: string, name: string, existing: SessionRow | undefined, nameChoice?: 'keep' | 'change'): Promise<JoinResult> {
    const workshop = this.deps.store.byCode(code);
    if (!workshop) throw new ClassroomError('no_workshop', `code: no workshop has the code "${code.slice(0, 12)}"; check it on the projector.`);
    if (workshop.state === 'created') throw new ClassroomError('not_started', 'The workshop has not started yet: wait for the instructor to start it, then try again.');
    if (workshop.state === 'ended') throw new ClassroomError('workshop_ended', 'This workshop has ended.');
    let session = existing;
    let learner = session ? this.deps.store.learner(session.id) : undefined;
    if (learner && learner.workshop_id !== workshop.id) {
      // The browser was in another workshop: a fresh identity for this one.
      session = undefined;
      learner = undefined;
    }
    if (learner?.removed_at) throw new ClassroomError('removed', 'The instructor removed you from this workshop. Ask them if this is a mistake.');
    if (learner && learner.display_name !== name) {
      const was = learner.display_name;
      if (nameChoice === undefined) throw new ClassroomError('name_differs', `You joined this workshop as "${was}": continue as "${was}" (nameChoice "keep"), or change your name to "${name}" (nameChoice "change")?`);
      if (nameChoice === 'change') {
        this.deps.store.rename(learner.session_id, name);
        learner = this.deps.store.learner(learner.session_id)!;
      }
    }
    if (!session) session = this.deps.sessions.create(name);
    if (!learner) {
      learner = this.deps.store.addLearner(session.id, workshop.id, name);
      // Before taking a sandbox, so that the pool does not refill the one this learner takes.
      this.updateReserve();
    }
    await this.admission.admit(learner, workshop);
    const me = this.learnerState(session.id)!;
    this.publishLearner(session.id);
    return { session, status: me.status === 'queued' ? 'queued' : 'ready', position: me.position, me };
  }

  /** The learner's own view of their place in the workshop, or undefined when not in one. */
  learnerState(sessionId: string): LearnerState | undefined {
    const learner = this.deps.store.learner(sessionId);
    if (!learner) return undefined;
    const workshop = this.workshop(learner.workshop_id);
    const lessons = (JSON.parse(workshop.lessons) as string[]).map((slug) => ({ slug, title: this.deps.library.get(slug)?.lesson.title ?? slug }));
    const position = this.admission.position(learner);
    const status = learner.removed_at ? 'removed' : workshop.state === 'ended' ? 'ended' : position !== null ? 'queued' : 'ready';
    return {
      workshop: { title: workshop.title, code: workshop.code, state: workshop.state, lessons },
      name: learner.display_name,
      status,
      position,
      expiresAt: learner.expires_at,
      warnBeforeMs: WARN_BEFORE_MS,
      now: Date.now(),
      start: lessons[0] ? `/lessons/${lessons[0].slug}/` : '/',
      hand: status === 'removed' || status === 'ended' ? null : this.deps.help.open(sessionId),
      message: this.helpRoom.latestMessage(learner),
      practice: status === 'ended' && this.deps.config.practiceAfterEnd,
    };
  }

  /** Admits queued learners while there is room, oldest first. */
  admitQueued(): Promise<void> {
    return this.admission.admitQueued();
  }

  async resetLearner(workshopId: string, id: string, instructor?: string | null): Promise<LearnerView> {
    const learner = this.findLearner(workshopId, id);
    if (learner.removed_at !== null) throw new ClassroomError('removed', `${learner.display_name} was removed from this workshop: re-admit them first.`);
    const session = this.deps.sessions.get(learner.session_id)!;
    // Told first, so that the page waits for the fresh sandbox instead of offering one.
    this.tell(learner.session_id, 'resetting', classroomWords.resetting(spokenBy(instructor)));
    const sandbox = await this.deps.sessions.reset(session);
    matchLearnerTime(this.deps.store, this.deps.sandboxes, learner.session_id, sandbox.id);
    await this.opening.now(learner, this.workshop(workshopId));
    const view = this.publishLearner(learner.session_id)!;
    this.tell(learner.session_id, 'reset', classroomWords.reset(spokenBy(instructor)));
    return view;
  }

  extend(workshopId: string, id: string | null, minutes: number, instructor?: string | null): LearnerView[] {
    const learners = id ? [this.findLearner(workshopId, id)] : this.deps.store.learners(workshopId).filter((l) => l.admitted_at !== null);
    const byMs = minutes * 60_000;
    return learners.map((learner) => {
      this.deps.store.extend(learner.session_id, byMs);
      const sandbox = this.liveSandboxOf(learner);
      if (sandbox) matchLearnerTime(this.deps.store, this.deps.sandboxes, learner.session_id, sandbox.id);
      const view = this.publishLearner(learner.session_id)!;
      this.tell(learner.session_id, 'extended', classroomWords.extended(spokenBy(instructor), minutes, id === null));
      return view;
    });
  }

  async remove(workshopId: string, id: string, instructor?: string | null): Promise<void> {
    const learner = this.findLearner(workshopId, id);
    this.deps.store.remove(learner.session_id);
    this.deps.help.lower(learner.session_id, spokenBy(instructor));
    this.unfollow(learner.session_id);
    const sandbox = this.liveSandboxOf(learner);
    if (sandbox) await this.deps.manager.destroy(sandbox.id, 'released', 'The instructor removed you from the workshop.');
    this.updateReserve();
    this.publishLearner(learner.session_id);
    this.tell(learner.session_id, 'removed', classroomWords.removed(spokenBy(instructor)));
    this.admission.retry();
  }

  /**
   * Takes a removed learner back: their progress was kept, and they get a sandbox again (or
   * their place in the queue). When the machine is full right now, the re-admission stands and
   * the learner gets one when they ask for it.
   */
  async readmit(workshopId: string, id: string, instructor?: string | null): Promise<LearnerView> {
    const learner = this.findLearner(workshopId, id);
    const workshop = this.workshop(workshopId);
    if (workshop.state === 'ended') throw new ClassroomError('already_ended', 'This workshop has ended: nobody can be re-admitted. Its results are kept.');
    if (learner.removed_at !== null) {
      this.deps.store.readmit(learner.session_id);
      const back = this.deps.store.learner(learner.session_id)!;
      this.follow(back);
      this.updateReserve();
      try {
        await this.admission.admit(back, workshop);
      } catch (err) {
        if (!(err instanceof SandboxError && err.code === 'capacity')) throw err;
        this.deps.log.info({ workshop: workshopId }, 're-admitted learner gets a sandbox when one frees');
      }
      this.tell(learner.session_id, 'readmitted', classroomWords.readmitted(spokenBy(instructor), this.admission.position(back)));
    }
    return this.publishLearner(learner.session_id)!;
  }

  /** The name the instructor sees for a learner; their id and progress stay. */
  rename(workshopId: string, id: string, name: string): LearnerView {
    const learner = this.findLearner(workshopId, id);
    this.deps.store.rename(learner.session_id, name);
    return this.publishLearner(learner.session_id)!;
  }

  /** The learner's live sandbox, for a read-only view. */
  sandboxOf(workshopId: string, id: string): string {
    const learner = this.findLearner(workshopId, id);
    const sandbox = this.liveSandboxOf(learner);
    if (!sandbox) throw new ClassroomError('no_sandbox', `${learner.display_name} has no sandbox right now.`);
    return sandbox.id;
  }

  // --- internals -------------------------------------------------------------------------

  private findLearner(workshopId: string, id: string): LearnerRow {
    this.workshop(workshopId);
    const learner = this.deps.store.learners(workshopId, true).find((l) => learnerId(l.session_id) === id);
    if (!learner) throw new ClassroomError('no_learner', `No learner "${id.slice(0, 40)}" in this workshop.`);
    return learner;
  }

  private liveSandboxOf(learner: LearnerRow) {
    const session = this.deps.sessions.get(learner.session_id);
    return session ? this.deps.sessions.liveSandbox(session) : undefined;
  }

  private follow(learner: LearnerRow): void {
    if (this.subscriptions.has(learner.session_id)) return;
    const unsubscribe = this.deps.learners.subscribe(learner.session_id, {
      event: (event) => {
        if (event.type === 'step' || event.type === 'progress' || event.type === 'notice') this.publishLearner(learner.session_id);
      },
    });
    this.subscriptions.set(learner.session_id, unsubscribe);
  }

  private unfollow(sessionId: string): void {
    this.subscriptions.get(sessionId)?.();
    this.subscriptions.delete(sessionId);
  }

  private viewOf(learner: LearnerRow, columns = columnsOf(this.deps.library, JSON.parse(this.workshop(learner.workshop_id).lessons) as string[])): LearnerView {
    const hand = learner.removed_at === null ? this.deps.help.open(learner.session_id) : null;
    const view = learnerView(learner, columns, this.deps.progress.allSteps(learner.session_id), this.liveSandboxOf(learner), this.admission.position(learner), this.deps.sessions.latestNotice(learner.session_id), Date.now(), hand);
    // Where it runs, when sandboxes are spread over machines: which learners a lost node takes.
    const machine = view.sandbox ? this.deps.manager.machineOf(view.sandbox.id) : undefined;
    return view.sandbox && machine ? { ...view, sandbox: { ...view.sandbox, machine } } : view;
  }

  private publishLearner(sessionId: string): LearnerView | undefined {
    const learner = this.deps.store.learner(sessionId);
    if (!learner) return undefined;
    const view = this.viewOf(learner);
    this.emit(learner.workshop_id, { type: 'learner', data: view });
    return view;
  }

  /** Tells the learner's open pages what an instructor did, with their place in the workshop after it. */
  private tell(sessionId: string, action: ClassroomAction, words: NoticeWords): void {
    const me = this.learnerState(sessionId);
    if (me) this.deps.learners.publish(sessionId, { type: 'classroom', data: { action, at: Date.now(), ...words, me } });
  }

  private emit(workshopId: string, event: WorkshopEvent): void {
    this.deps.workshops.publish(workshopId, event);
  }

  /** Pre-warm for running workshops: the learners still expected, within the machine's capacity. */
  private updateReserve(): void {
    let expected = 0;
    for (const workshop of this.deps.store.running()) {
      expected += Math.max(0, workshop.expected_size - this.deps.store.learners(workshop.id).length);
    }
    const counts = this.deps.sandboxes.countByState();
    const inUse = (counts.assigned ?? 0) + (counts.active ?? 0);
    const room = Math.max(0, this.capacity().total - inUse - this.deps.config.poolSize);
    const reserve = Math.min(expected, room);
    this.deps.manager.reserve(reserve);
    // Standby for whoever comes beyond the warm-up (more learners than expected, or a workshop
    // started without one), in what room the machine has left.
    const running = this.deps.store.running().length > 0;
    this.deps.manager.keepOnStandby(running ? Math.min(this.deps.config.standby, room - reserve) : 0);
  }

  private publishWarm(): void {
    if (!this.deps.workshops.hasSubscribers()) return;
    const warm = this.warmProgress();
    const signature = JSON.stringify([warm.target, warm.pooled, warm.creating, warm.inUse, warm.engines, warm.capacity.total]);
    if (signature === this.lastWarm) return;
    this.lastWarm = signature;
    this.deps.workshops.broadcast({ type: 'warm', data: warm });
    this.admission.retry();
  }
}
