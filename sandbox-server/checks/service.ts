// The check engine at work for learners: opens lessons in sandboxes, re-evaluates the open step
// when the sandbox changes (inner engine events, the shell returning to its prompt) or when
// asked, stores progress, and tells subscribers (the browser's event stream) what changed.
import type { Check, Step } from '../../lessons/schema.js';
import type { LessonLibrary, LoadedLesson } from '../lessons/library.js';
import { starterFilesTar } from '../lessons/starter-files.js';
import type { Logger } from '../log.js';
import type { PromptEvent, SandboxActivity } from '../sandboxes/activity.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import type { SandboxNotice } from '../sandboxes/notices.js';
import type { Sessions } from '../sessions/sessions.js';
import type { CommandStore } from '../store/commands.js';
import type { ProgressStore, StepProgressRow } from '../store/progress.js';
import type { SessionRow } from '../store/sessions.js';
import { createContext } from './context.js';
import { EngineEvents } from './engine-events.js';
import { evaluateStep } from './evaluate.js';
import { lessonView, stepView, type LessonProgressView, type StepView } from './progress-view.js';
import { Trigger, type TriggerReason } from './trigger.js';

export interface StepUpdate {
  lesson: string;
  step: StepView;
  done: number;
  total: number;
}

export type ProgressEvent =
  | { type: 'step'; data: StepUpdate }
  | { type: 'progress'; data: LessonProgressView }
  /** The sandbox's engine changed (a container started, an image was built...): the lesson page refreshes its sandbox panel. */
  | { type: 'sandbox'; data: { sandbox: string; at: number } }
  /** Something happened to the sandbox that the learner did not ask for (a limit hit, its engine restarted...): the page shows it. */
  | { type: 'notice'; data: SandboxNotice }
  | { type: 'shutdown' };

/** Engine events come in bursts (compose up); the panel needs one refresh per burst. */
const SANDBOX_EVENT_THROTTLE_MS = 250;
export type ProgressListener = (event: ProgressEvent) => void;

export class ChecksError extends Error {
  constructor(
    readonly code: 'no_lesson' | 'not_open' | 'no_sandbox',
    message: string,
  ) {
    super(message);
  }
}

/** One session's open lesson, followed in its sandbox. */
interface Watch {
  sessionId: string;
  sandboxId: string;
  slug: string;
  events: EngineEvents;
  trigger: Trigger;
  /** Evaluations run one after another; this is the tail of the queue. */
  chain: Promise<unknown>;
  /** Engine events before this time are ignored (a script check's own `docker` commands). */
  ignoreEngineUntil: number;
  /** Pending 'sandbox' event, so a burst of engine events sends one. */
  sandboxNotice?: NodeJS.Timeout;
}

export interface ChecksDeps {
  library: LessonLibrary;
  progress: ProgressStore;
  commands: CommandStore;
  driver: SandboxDriver;
  sessions: Sessions;
  activity: SandboxActivity;
  log: Logger;
}

/** Script checks may run `docker` themselves; their engine events must not re-trigger checks. */
const hasScript = (checks: Check[]): boolean => checks.some((c) => c.kind === 'script' || ((c.kind === 'all' || c.kind === 'any') && hasScript(c.checks)));

export class LessonChecks {
  private readonly watches = new Map<string, Watch>();
  private readonly bySandbox = new Map<string, Watch>();
  private readonly listeners = new Map<string, Set<ProgressListener>>();
  /** What each subscriber last heard about a step, so unchanged results are not re-sent. */
  private readonly lastSent = new Map<string, string>();
  private readonly onPrompt = (event: PromptEvent) => this.prompt(event);

  constructor(private readonly deps: ChecksDeps) {}

  start(): void {
    this.deps.activity.on('prompt', this.onPrompt);
  }

  /** Stops following sandboxes, ends the event streams, and waits for running evaluations. */
  async stop(): Promise<void> {
    this.deps.activity.off('prompt', this.onPrompt);
    const running = [...this.watches.values()].map((w) => w.chain);
    for (const sessionId of [...this.watches.keys()]) this.unwatch(sessionId);
    for (const set of this.listeners.values()) for (const listener of set) listener({ type: 'shutdown' });
    this.listeners.clear();
    await Promise.allSettled(running);
  }

  lesson(slug: string): LoadedLesson {
    const loaded = this.deps.library.get(slug);
    if (!loaded) throw new ChecksError('no_lesson', `No lesson "${slug}".`);
    return loaded;
  }

  view(sessionId: string, slug: string): LessonProgressView {
    const loaded = this.lesson(slug);
    return lessonView(loaded, this.deps.progress.lesson(sessionId, slug), this.deps.progress.steps(sessionId, slug));
  }

  /**
   * Opens a lesson for a session: gives it a sandbox, copies the starter files in (once per
   * sandbox, so reopening never overwrites the learner's edits), starts following the sandbox
   * and evaluates the current step.
   */
  async open(session: SessionRow, slug: string): Promise<LessonProgressView> {
    const loaded = this.lesson(slug);
    const sandbox = await this.deps.sessions.ensureSandbox(session);
    const row = this.deps.progress.open(session.id, slug);
    if (row.files_sandbox_id !== sandbox.id) {
      if (loaded.filesDir) await this.deps.driver.copyIn(sandbox.id, starterFilesTar(loaded.filesDir));
      this.deps.progress.setFilesSandbox(session.id, slug, sandbox.id);
    }
    const watch = this.watch(session.id, sandbox.id, slug);
    await this.evaluate(watch, new Set(['open']));
    const view = this.view(session.id, slug);
    this.send(session.id, { type: 'progress', data: view });
    return view;
  }

  /**
   * Records that the learner is on this lesson, so commands count from now, without touching
   * the sandbox; open() does the rest (starter files, evaluation) later.
   */
  markOpened(session: SessionRow, slug: string): void {
    this.lesson(slug);
    this.deps.progress.open(session.id, slug);
  }

  /** "Check now": evaluates at once and counts as an attempt. */
  async check(session: SessionRow, slug: string): Promise<LessonProgressView> {
    this.lesson(slug);
    if (!this.deps.progress.lesson(session.id, slug)) throw new ChecksError('not_open', `Lesson "${slug}" is not open: open it first (POST /api/lessons/${slug}/open).`);
    const sandbox = this.deps.sessions.liveSandbox(session);
    if (!sandbox) throw new ChecksError('no_sandbox', 'You have no sandbox right now: open the lesson again to get one.');
    await this.evaluate(this.watch(session.id, sandbox.id, slug), new Set(['check']));
    return this.view(session.id, slug);
  }

  /**
   * For a browser (re)connecting to its event stream: picks up the lesson it last opened, and
   * follows it again if the server restarted meanwhile. Starter files are not copied here; a
   * sandbox that never received them waits for the page to open the lesson.
   */
  resume(session: SessionRow): LessonProgressView | undefined {
    const last = this.deps.progress.lastOpened(session.id);
    if (!last || !this.deps.library.get(last.lesson)) return undefined;
    const sandbox = this.deps.sessions.liveSandbox(session);
    if (sandbox && last.files_sandbox_id === sandbox.id) {
      const existing = this.watches.get(session.id);
      if (!existing || existing.sandboxId !== sandbox.id) this.watch(session.id, sandbox.id, last.lesson).trigger.schedule('open');
    }
    return this.view(session.id, last.lesson);
  }

  subscribe(sessionId: string, listener: ProgressListener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(sessionId);
    };
  }

  /** Tells the session's open pages (and the instructor's dashboard, which follows the same stream) about its sandbox. */
  notify(sessionId: string, notice: SandboxNotice): void {
    this.send(sessionId, { type: 'notice', data: notice });
  }

  /** Sessions whose sandbox is being followed now (for tests and diagnostics). */
  watching(): Array<{ sessionId: string; sandboxId: string; lesson: string }> {
    return [...this.watches.values()].map((w) => ({ sessionId: w.sessionId, sandboxId: w.sandboxId, lesson: w.slug }));
  }

  private prompt(event: PromptEvent): void {
    if (typeof event?.sandboxId !== 'string' || typeof event.command !== 'string') return;
    const command = event.command.trim();
    if (command) {
      this.deps.commands.add(event.sandboxId, {
        command,
        exitCode: Number.isInteger(event.exitCode) ? event.exitCode : -1,
        at: Number.isFinite(event.at) ? event.at : Date.now(),
      });
    }
    this.bySandbox.get(event.sandboxId)?.trigger.schedule('prompt');
  }

  private watch(sessionId: string, sandboxId: string, slug: string): Watch {
    const existing = this.watches.get(sessionId);
    if (existing && existing.sandboxId === sandboxId) {
      existing.slug = slug;
      return existing;
    }
    if (existing) this.unwatch(sessionId);
    const watch: Watch = {
      sessionId,
      sandboxId,
      slug,
      chain: Promise.resolve(),
      ignoreEngineUntil: 0,
      trigger: new Trigger((reasons) => void this.evaluate(watch, reasons)),
      events: new EngineEvents(
        this.deps.driver.engine(sandboxId),
        () => {
          if (Date.now() >= watch.ignoreEngineUntil) watch.trigger.schedule('engine');
          this.noticeSandboxChange(watch);
        },
        () => {
          const session = this.deps.sessions.get(sessionId);
          const live = session ? this.deps.sessions.liveSandbox(session) : undefined;
          if (live?.id === sandboxId) return true;
          this.unwatch(sessionId);
          return false;
        },
        this.deps.log,
      ),
    };
    this.watches.set(sessionId, watch);
    this.bySandbox.set(sandboxId, watch);
    watch.events.start();
    return watch;
  }

  private noticeSandboxChange(watch: Watch): void {
    if (watch.sandboxNotice) return;
    watch.sandboxNotice = setTimeout(() => {
      watch.sandboxNotice = undefined;
      if (this.watches.get(watch.sessionId) === watch) this.send(watch.sessionId, { type: 'sandbox', data: { sandbox: watch.sandboxId, at: Date.now() } });
    }, SANDBOX_EVENT_THROTTLE_MS);
  }

  private unwatch(sessionId: string): void {
    const watch = this.watches.get(sessionId);
    if (!watch) return;
    clearTimeout(watch.sandboxNotice);
    this.watches.delete(sessionId);
    if (this.bySandbox.get(watch.sandboxId) === watch) this.bySandbox.delete(watch.sandboxId);
    watch.trigger.cancel();
    watch.events.stop();
    for (const key of this.lastSent.keys()) if (key.startsWith(`${sessionId}\n`)) this.lastSent.delete(key);
  }

  /** Queues an evaluation behind the running one; resolves when it has run. */
  private evaluate(watch: Watch, reasons: Set<TriggerReason>): Promise<void> {
    const run = watch.chain.then(() => this.evaluateNow(watch, reasons));
    watch.chain = run.catch((err: unknown) => this.deps.log.error({ err, session: watch.sessionId }, 'check evaluation failed'));
    return run;
  }

  /**
   * Steps are checked in order: each step's checks assume the steps before it are done (the
   * contract `lessons:verify` proves), so only the first step not done is evaluated, and the
   * next one as soon as it passes. Done is final.
   */
  private async evaluateNow(watch: Watch, reasons: Set<TriggerReason>): Promise<void> {
    if (this.watches.get(watch.sessionId) !== watch) return;
    const { sessionId, sandboxId, slug } = watch;
    const loaded = this.deps.library.get(slug);
    const opened = this.deps.progress.lesson(sessionId, slug);
    if (!loaded || !opened) return;
    const started = performance.now();
    const done = new Set(this.deps.progress.steps(sessionId, slug).filter((r) => r.done_at).map((r) => r.step));
    const ctx = createContext({ driver: this.deps.driver, history: this.deps.commands }, sandboxId, opened.opened_at);
    // A command typed or "check" pressed is an attempt at the current step; engine events that
    // follow from it are the same attempt.
    let attempt = reasons.has('prompt') || reasons.has('check');
    for (const step of loaded.lesson.steps) {
      if (done.has(step.id)) continue;
      const script = hasScript(step.checks);
      if (script) watch.ignoreEngineUntil = Infinity;
      const result = await evaluateStep(step, ctx);
      if (script) watch.ignoreEngineUntil = Date.now() + 150;
      const row = this.deps.progress.record(sessionId, slug, step.id, { passed: result.passed, message: result.message, results: result.checks, attempt });
      this.publish(sessionId, loaded, step, row);
      if (!result.passed) break;
      attempt = false;
    }
    this.deps.log.debug({ session: sessionId, lesson: slug, reasons: [...reasons], ms: Math.round(performance.now() - started) }, 'checked');
  }

  private publish(sessionId: string, loaded: LoadedLesson, step: Step, row: StepProgressRow): void {
    const view = stepView(step, row, row.done_at ? 'done' : 'current');
    const key = `${sessionId}\n${loaded.slug}\n${step.id}`;
    const signature = JSON.stringify([view.status, view.message, view.checks]);
    if (this.lastSent.get(key) === signature) return;
    this.lastSent.set(key, signature);
    const rows = this.deps.progress.steps(sessionId, loaded.slug);
    const done = loaded.lesson.steps.filter((s) => rows.some((r) => r.step === s.id && r.done_at)).length;
    this.send(sessionId, { type: 'step', data: { lesson: loaded.slug, step: view, done, total: loaded.lesson.steps.length } });
  }

  private send(sessionId: string, event: ProgressEvent): void {
    for (const listener of this.listeners.get(sessionId) ?? []) {
      try {
        listener(event);
      } catch (err) {
        this.deps.log.warn({ err }, 'progress listener failed');
      }
    }
  }
}
