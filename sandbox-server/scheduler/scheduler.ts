// Runs the server's background work as named tasks, each every so often: the sandbox
// lifecycle's liveness, expiry and disk rounds, the monitor's reads, the classroom's warm-up
// report. One place starts them, one place stops them and waits for the rounds under way, and a
// task that throws is logged without stopping the others. A task never overlaps itself: a tick
// that comes while its round still runs is skipped.
import type { Logger } from '../log.js';

export interface Task {
  /** Names the task in the log. */
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

interface Scheduled {
  task: Task;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

export class Scheduler {
  private readonly tasks = new Map<string, Scheduled>();
  private started = false;
  private stopped = false;

  constructor(private readonly log: Logger) {}

  /** Adds a task; it starts ticking with the scheduler (at once when it already runs). */
  add(task: Task): void {
    if (this.tasks.has(task.name)) throw new Error(`A task named ${task.name} is already scheduled.`);
    const scheduled: Scheduled = { task };
    this.tasks.set(task.name, scheduled);
    if (this.started && !this.stopped) this.arm(scheduled);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const scheduled of this.tasks.values()) this.arm(scheduled);
  }

  /** Stops every timer and waits for the rounds under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const scheduled of this.tasks.values()) clearInterval(scheduled.timer);
    await Promise.allSettled([...this.tasks.values()].map((s) => s.running));
  }

  /** The task names, for diagnostics and tests. */
  names(): string[] {
    return [...this.tasks.keys()];
  }

  private arm(scheduled: Scheduled): void {
    scheduled.timer = setInterval(() => this.tick(scheduled), scheduled.task.everyMs);
    scheduled.timer.unref();
  }

  private tick(scheduled: Scheduled): void {
    if (this.stopped || scheduled.running) return;
    scheduled.running = scheduled.task
      .run()
      .catch((err: unknown) => this.log.error({ err, task: scheduled.task.name }, 'background task failed'))
      .finally(() => (scheduled.running = undefined));
  }
}
