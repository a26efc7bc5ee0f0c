// The check engine at work for learners: opens lessons in sandboxes, re-evaluates the open step
// when the sandbox changes (inner engine events, prompts from the feed's prompts channel) or
// when asked, stores progress, and publishes what changed on the learner's channel of the feed
// (which the browser's event stream and the classroom follow).
// Over 300 lines on purpose: the order of a step evaluation (current step, skipped and
// independent steps, attempts, the look ahead) is one rule, easier to check read in one place.
import type { LearnerEvent } from '../../contract/learner-events.js';
import type { UsageBody } from '../../contract/lessons-api.js';
import type { LessonProgressView } from '../../contract/progress.js';
import type { Check, Step } from '../../lessons/schema.js';
import { DomainError } from '../errors.js';
import type { LessonLibrary, LoadedLesson } from '../lessons/library.js';
import { starterFilesTar } from '../lessons/starter-files.js';
import type { LearnerChannel } from '../feed/index.js';
import type { PromptChannel, PromptEvent, SaveEvent } from '../feed/prompts.js';
import type { EngineState, SandboxChannel } from '../feed/sandboxes.js';
import type { Logger } from '../log.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import { EngineEvents } from '../sandboxes/engine-events.js';
import type { Sessions } from '../sessions/sessions.js';
import type { CommandStore } from '../store/commands.js';
import type { ProgressStore, StepProgressRow } from '../store/progress.js';
import type { SessionRow } from '../store/sessions.js';
import { matchesFamily, observation } from './attempts.js';
import { createContext, type CheckContext } from './context.js';
import { evaluateStep } from './evaluate.js';
import type { CheckResult, StepResult } from './result.js';
import { lessonView, stepView } from './progress-view.js';
import type { LessonSetup } from './setup.js';
import { Trigger, type TriggerReason } from './trigger.js';

/** Engine events come in bursts (compose up); the panel needs one refresh per burst. */
const SANDBOX_EVENT_THROTTLE_MS = 250;

/** The check engine's refusals, with a code the API's clients understand (contract/errors.ts). */
export class ChecksError extends DomainError<'no_lesson' | 'not_open' | 'no_sandbox' | 'no_step' | 'step_done' | 'invalid_input'> {}

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
  /** Commands the learner ran since the last evaluation: the attempts it may count. */
  commands: string[];
  /**
   * A step turned done on engine events alone since the last prompt: the command whose prompt
   * comes next most likely did it, and is no attempt at the step after.
   */
  doneBeforePrompt: boolean;
  /** When the sandbox's engine last reported something (containers starting, stopping...). */
  lastEngineEventAt: number;
  /** Looks again scheduled since that event, and the pending one. */
  lookAgain: { count: number; timer?: NodeJS.Timeout };
}

/**
 * After the engine last reported something, a current step that still differs is looked at
 * again a few times, further and further apart, for this long: a container that just started
 * (a Flask app behind `docker compose up -d`) may answer a second later, and nothing else would
 * tell the checks so.
 */
const LOOK_AGAIN_FOR_MS = 30_000;
const LOOK_AGAIN_FIRST_MS = 1_000;

/**
 * How many steps past a current step that still differs are looked at: enough for a learner who
 * did the next few steps first or another way, bounded because it runs after every command.
 */
const LOOK_AHEAD_STEPS = 4;

/** Reasons that come from the learner acting (not the engine alone): worth a look ahead. */
const LEARNER_REASONS: ReadonlySet<TriggerReason> = new Set(['prompt', 'save', 'check', 'open']);

export interface ChecksDeps {
  library: LessonLibrary;
  progress: ProgressStore;
  commands: CommandStore;
  driver: SandboxDriver;
  sessions: Sessions;
  prompts: PromptChannel;
  learners: LearnerChannel;
  log: Logger;
  /** Runs lessons' and steps' `setup` (none: setups are not run). */
  setup?: LessonSetup;
  /** The lifecycle's channel: a sandbox's engine that comes up is a reason to look again. */
  sandboxes?: SandboxChannel;
  /** Where a sandbox's engine is (none: always ready). */
  engineState?: (sandboxId: string) => EngineState;
}

const aheadKey = (sessionId: string, slug: string) => `${sessionId}\n${slug}`;

/** What the step's checks saw at its last evaluation; undefined for none or an unreadable record. */
function previousObservation(row: StepProgressRow | undefined): string | undefined {
  if (!row?.last_results) return undefined;
  try {
    return observation(JSON.parse(row.last_results) as CheckResult[]);
  } catch {
    return undefined;
  }
}

/**
 * Whether a check asks for something to be there (not only for something to be gone): a step of
 * absence checks alone ("no container named clock") holds before its work too, so it is never
 * reported as already done on a look ahead.
 */
const assertsPresence = (check: Check): boolean =>
  check.kind === 'all' || check.kind === 'any' ? check.checks.some(assertsPresence) : !('exists' in check && check.exists === false) && !(check.kind === 'compose' && check.down === true);

/** Script checks may run `docker` themselves; their engine events must not re-trigger checks. */
const hasScript = (checks: Check[]): boolean => checks.some((c) => c.kind === 'script' || ((c.kind === 'all' || c.kind === 'any') && hasScript(c.checks)));

export class LessonChecks {
  private readonly watches = new Map<string, Watch>();
  private readonly bySandbox = new Map<string, Watch>();
  /** What each subscriber last heard about a step, so unchanged results are not re-sent. */
  private readonly lastSent = new Map<string, string>();
  /**
   * Per session and lesson, the steps not reached yet whose checks already pass (found by a look
   * ahead past a step that still differs). Kept in memory: the next evaluation finds them again.
   */
  private readonly ahead = new Map<string, string[]>();
  private readonly onPrompt = (event: PromptEvent) => this.prompt(event);
  /** A file saved in the editor: no command to record, the step looked at again at once. */
  private readonly onSave = (event: SaveEvent) => this.bySandbox.get(event.sandboxId)?.trigger.schedule('save');
  /** An engine that came up: the checks that could not look now can. */
  private readonly onEngine = (sandboxId: string, state: EngineState) => {
    const watch = this.bySandbox.get(sandboxId);
    if (state !== 'ready' || !watch) return;
    watch.trigger.schedule('engine');
    // The sandbox panel showed "starting": it reads the engine again.
    this.noticeSandboxChange(watch);
  };

  constructor(private readonly deps: ChecksDeps) {}

  start(): void {
    this.deps.prompts.on('prompt', this.onPrompt);
    this.deps.prompts.on('saved', this.onSave);
    this.deps.sandboxes?.on('engine', this.onEngine);
  }

  /** Stops following sandboxes and waits for running evaluations. */
  async stop(): Promise<void> {
    this.deps.prompts.off('prompt', this.onPrompt);
    this.deps.prompts.off('saved', this.onSave);
    this.deps.sandboxes?.off('engine', this.onEngine);
    const running = [...this.watches.values()].map((w) => w.chain);
    for (const sessionId of [...this.watches.keys()]) this.unwatch(sessionId);
    await Promise.allSettled(running);
  }

  lesson(slug: string): LoadedLesson {
    const loaded = this.deps.library.get(slug);
    if (!loaded) throw new ChecksError('no_lesson', `No lesson "${slug}".`);
    return loaded;
  }

  view(sessionId: string, slug: string): LessonProgressView {
    const loaded = this.lesson(slug);
    return lessonView(loaded, this.deps.progress.lesson(sessionId, slug), this.deps.progress.steps(sessionId, slug), this.ahead.get(aheadKey(sessionId, slug)) ?? []);
  }

  /**
   * Opens a lesson for a session: gives it a sandbox, copies the starter files in (once per
   * sandbox, so reopening never overwrites the learner's edits), starts following the sandbox
   * and evaluates the current step (running the lesson's and that step's setup first, once per
   * sandbox).
   *
   * `ahead`: opened for the learner rather than by them (a workshop's lesson, right after they
   * join). It does not count as the learner opening it, and once its files are in, it follows
   * the sandbox only if the learner has opened no other lesson meanwhile: the lesson page they
   * went to first keeps the commands they type.
   */
  async open(session: SessionRow, slug: string, options: { ahead?: boolean } = {}): Promise<LessonProgressView> {
    const loaded = this.lesson(slug);
    const sandbox = await this.deps.sessions.ensureSandbox(session);
    const row = (options.ahead ? this.deps.progress.lesson(session.id, slug) : undefined) ?? this.deps.progress.open(session.id, slug);
    if (row.files_sandbox_id !== sandbox.id) {
      if (loaded.filesDir) await this.deps.driver.copyIn(sandbox.id, starterFilesTar(loaded.filesDir));
      this.deps.progress.setFilesSandbox(session.id, slug, sandbox.id);
    }
    if (options.ahead && this.deps.progress.lastOpened(session.id)?.lesson !== slug) return this.view(session.id, slug);
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
   * The learner skips a step they believe is done (or cannot get past): it is recorded as
   * skipped, not done, and the steps after it are checked from now on. It is still checked, and
   * turns done by itself if its checks ever pass.
   */
  async skip(session: SessionRow, slug: string, stepId: string): Promise<LessonProgressView> {
    const loaded = this.lesson(slug);
    const step = loaded.lesson.steps.find((s) => s.id === stepId);
    if (!step) throw new ChecksError('no_step', `Lesson "${slug}" has no step "${stepId.slice(0, 80)}".`);
    if (!this.deps.progress.lesson(session.id, slug)) throw new ChecksError('not_open', `Lesson "${slug}" is not open: open it first (POST /api/lessons/${slug}/open).`);
    const row = this.deps.progress.skip(session.id, slug, step.id);
    if (row.done_at) throw new ChecksError('step_done', `Step "${step.title}" is already done: there is nothing to skip.`);
    this.deps.log.info({ session: session.id, lesson: slug, step: step.id }, 'step skipped');
    const sandbox = this.deps.sessions.liveSandbox(session);
    if (sandbox) await this.evaluate(this.watch(session.id, sandbox.id, slug), new Set(['open']));
    const view = this.view(session.id, slug);
    this.send(session.id, { type: 'progress', data: view });
    return view;
  }

  /**
   * The learner used some help on a step (a hint, the solution, a Run button); without a step,
   * the one they are on now (nothing is counted when every step is done). For the exports only.
   */
  noteUse(session: SessionRow, slug: string, use: UsageBody): void {
    const loaded = this.lesson(slug);
    const stepId = use.step ?? this.view(session.id, slug).steps.find((s) => s.status === 'current')?.id;
    if (stepId === undefined) return;
    const step = loaded.lesson.steps.find((s) => s.id === stepId);
    if (!step) throw new ChecksError('no_step', `Lesson "${slug}" has no step "${stepId.slice(0, 80)}".`);
    if (use.kind === 'hint' && (use.hint ?? 0) >= step.hints.length) throw new ChecksError('invalid_input', `Step "${step.title}" has ${step.hints.length} hint${step.hints.length === 1 ? '' : 's'}; there is no hint ${(use.hint ?? 0) + 1}.`);
    this.deps.progress.noteUse(session.id, slug, step.id, use.kind === 'hint' ? { kind: 'hint', hint: use.hint ?? 0 } : { kind: use.kind });
  }

  /**
   * An instructor marks a step done (`by`: their name, as the learner reads it) or not done
   * (`by` null) for a learner whose check misfired. The steps after it are checked from now on;
   * not done hands the step back to its checks. The learner's page gets the lesson again.
   */
  async mark(session: SessionRow, slug: string, stepId: string, by: string | null): Promise<{ title: string; view: LessonProgressView }> {
    const loaded = this.lesson(slug);
    const step = loaded.lesson.steps.find((s) => s.id === stepId);
    if (!step) throw new ChecksError('no_step', `Lesson "${slug}" has no step "${stepId.slice(0, 80)}".`);
    this.deps.progress.mark(session.id, slug, step.id, by);
    this.deps.log.info({ session: session.id, lesson: slug, step: step.id, by, done: by !== null }, 'step marked by an instructor');
    const sandbox = this.deps.sessions.liveSandbox(session);
    const watch = this.watches.get(session.id);
    if (sandbox && watch?.slug === slug && watch.sandboxId === sandbox.id) await this.evaluate(watch, new Set(['open']));
    const view = this.view(session.id, slug);
    this.send(session.id, { type: 'progress', data: view });
    return { title: step.title, view };
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
    const watch = this.bySandbox.get(event.sandboxId);
    if (!watch) return;
    if (command && watch.commands.length < 50) watch.commands.push(command);
    watch.trigger.schedule('prompt');
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
      commands: [],
      doneBeforePrompt: false,
      lastEngineEventAt: 0,
      lookAgain: { count: 0 },
      trigger: new Trigger((reasons) => void this.evaluate(watch, reasons)),
      events: new EngineEvents(
        this.deps.driver.engine(sandboxId),
        () => {
          if (Date.now() >= watch.ignoreEngineUntil) {
            watch.lastEngineEventAt = Date.now();
            watch.lookAgain.count = 0;
            watch.trigger.schedule('engine');
          }
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
    clearTimeout(watch.lookAgain.timer);
    this.watches.delete(sessionId);
    if (this.bySandbox.get(watch.sandboxId) === watch) this.bySandbox.delete(watch.sandboxId);
    watch.trigger.cancel();
    watch.events.stop();
    for (const key of this.lastSent.keys()) if (key.startsWith(`${sessionId}\n`)) this.lastSent.delete(key);
    for (const key of this.ahead.keys()) if (key.startsWith(`${sessionId}\n`)) this.ahead.delete(key);
  }

  /** Queues an evaluation behind the running one; resolves when it has run. */
  private evaluate(watch: Watch, reasons: Set<TriggerReason>): Promise<void> {
    const run = watch.chain.then(() => this.evaluateNow(watch, reasons));
    watch.chain = run.catch((err: unknown) => this.deps.log.error({ err, session: watch.sessionId }, 'check evaluation failed'));
    return run;
  }

  /**
   * Steps are checked in order: each step's checks assume the steps before it are done (the
   * contract `lessons:verify` proves), so the first step neither done nor skipped is the current
   * one, and the next is checked as soon as it passes. Skipped steps are checked too (and turn
   * done if they pass), as are `independent` steps wherever they stand. Done is final. When the
   * current step still differs after something the learner did, the steps past it are looked at
   * once, so the page can say that their work is already there.
   */
  private async evaluateNow(watch: Watch, reasons: Set<TriggerReason>): Promise<void> {
    if (this.watches.get(watch.sessionId) !== watch) return;
    const { sessionId, sandboxId, slug } = watch;
    const loaded = this.deps.library.get(slug);
    const opened = this.deps.progress.lesson(sessionId, slug);
    if (!loaded || !opened) return;
    const started = performance.now();
    const rows = new Map(this.deps.progress.steps(sessionId, slug).map((r) => [r.step, r]));
    const ctx = createContext({ driver: this.deps.driver, history: this.deps.commands, engineState: this.deps.engineState }, sandboxId, opened.opened_at);
    const commands = watch.commands.splice(0);
    // A command whose engine events already completed a step is spent on that step.
    let spent = false;
    if (reasons.has('prompt')) {
      spent = watch.doneBeforePrompt;
      watch.doneBeforePrompt = false;
    }
    // Setups run only where the lesson's starter files are (the lesson was opened in this
    // sandbox): the lesson's after them, a step's before it is first evaluated as current.
    const setup = opened.files_sandbox_id === sandboxId ? this.deps.setup : undefined;
    if (setup) await this.prepare(watch, () => setup.ensure(sandboxId, loaded));
    const acting = [...reasons].some((r) => LEARNER_REASONS.has(r));
    let current: Step | undefined;
    let blocked = false;
    let looked = 0;
    const ahead: string[] = [];
    for (const step of loaded.lesson.steps) {
      const row = rows.get(step.id);
      if (row?.done_at) continue;
      if (blocked && !step.independent) {
        if (acting && looked < LOOK_AHEAD_STEPS && step.checks.some(assertsPresence)) {
          looked++;
          if ((await this.run(watch, step, ctx)).passed) ahead.push(step.id);
        }
        continue;
      }
      const isCurrent = !current && !row?.skipped_at;
      if (isCurrent) current = step;
      if (isCurrent && setup && step.setup) await this.prepare(watch, () => setup.ensure(sandboxId, loaded, step));
      const result = await this.run(watch, step, ctx);
      const previous = previousObservation(row);
      const related = !spent && (matchesFamily(step, commands) || (commands.length > 0 && previous !== undefined && previous !== observation(result.checks)));
      const attempt = related || (isCurrent && reasons.has('check') && !spent);
      const stored = this.deps.progress.record(sessionId, slug, step.id, { passed: result.passed, message: result.message, results: result.checks, attempt });
      this.publish(sessionId, loaded, step, stored, isCurrent);
      if (result.passed) {
        // The step after a current step that passed is current now.
        if (isCurrent) current = undefined;
        spent = true;
        if (!reasons.has('prompt')) watch.doneBeforePrompt = true;
      } else if (isCurrent) blocked = true;
    }
    this.updateAhead(sessionId, loaded, ahead, blocked && acting);
    if (blocked) this.scheduleLookAgain(watch);
    this.deps.log.debug({ session: sessionId, lesson: slug, reasons: [...reasons], ms: Math.round(performance.now() - started) }, 'checked');
  }

  /** While the engine's last report is recent, a current step that differs is looked at again later (1 s, 2 s, 4 s...). */
  private scheduleLookAgain(watch: Watch): void {
    const since = Date.now() - watch.lastEngineEventAt;
    if (watch.lookAgain.timer || since > LOOK_AGAIN_FOR_MS) return;
    const delay = LOOK_AGAIN_FIRST_MS * 2 ** watch.lookAgain.count;
    if (since + delay > LOOK_AGAIN_FOR_MS) return;
    watch.lookAgain.count++;
    watch.lookAgain.timer = setTimeout(() => {
      watch.lookAgain.timer = undefined;
      if (this.watches.get(watch.sessionId) === watch) watch.trigger.schedule('engine');
    }, delay);
    watch.lookAgain.timer.unref();
  }

  /** Runs a setup; the engine events it causes are no learner's doing and trigger no evaluation. */
  private async prepare(watch: Watch, setup: () => Promise<void>): Promise<void> {
    watch.ignoreEngineUntil = Infinity;
    try {
      await setup();
    } finally {
      watch.ignoreEngineUntil = Date.now() + 150;
    }
  }

  /** Evaluates one step; engine events its script checks cause do not trigger another evaluation. */
  private async run(watch: Watch, step: Step, ctx: CheckContext): Promise<StepResult> {
    const script = hasScript(step.checks);
    if (script) watch.ignoreEngineUntil = Infinity;
    try {
      return await evaluateStep(step, ctx);
    } finally {
      if (script) watch.ignoreEngineUntil = Date.now() + 150;
    }
  }

  /**
   * Keeps the look-ahead result: replaced when a look ahead ran, else only pruned of steps done
   * since. Tells the pages when it changed.
   */
  private updateAhead(sessionId: string, loaded: LoadedLesson, found: string[], looked: boolean): void {
    const key = aheadKey(sessionId, loaded.slug);
    const before = this.ahead.get(key) ?? [];
    const doneNow = new Set(this.deps.progress.steps(sessionId, loaded.slug).filter((r) => r.done_at).map((r) => r.step));
    const after = (looked ? found : before).filter((id) => !doneNow.has(id));
    if (after.length) this.ahead.set(key, after);
    else this.ahead.delete(key);
    if (after.join('\n') !== before.join('\n')) this.send(sessionId, { type: 'progress', data: this.view(sessionId, loaded.slug) });
  }

  private publish(sessionId: string, loaded: LoadedLesson, step: Step, row: StepProgressRow, current: boolean): void {
    const view = stepView(step, row, row.done_at ? 'done' : row.skipped_at ? 'skipped' : current ? 'current' : 'pending');
    const key = `${sessionId}\n${loaded.slug}\n${step.id}`;
    const signature = JSON.stringify([view.status, view.message, view.checks]);
    if (this.lastSent.get(key) === signature) return;
    this.lastSent.set(key, signature);
    const rows = this.deps.progress.steps(sessionId, loaded.slug);
    const done = loaded.lesson.steps.filter((s) => rows.some((r) => r.step === s.id && r.done_at)).length;
    this.send(sessionId, { type: 'step', data: { lesson: loaded.slug, step: view, done, total: loaded.lesson.steps.length } });
  }

  private send(sessionId: string, event: LearnerEvent): void {
    this.deps.learners.publish(sessionId, event);
  }
}
