// Pre-warm of setups: while a workshop runs, each sandbox waiting in the pool gets the workshop's
// first lesson as a learner would find it when opening it (its starter files, then its
// lesson-level setup), so a setup that pulls images or starts containers is done before the
// learner arrives. The setup is recorded as run in that sandbox (checks/setup.ts), so opening
// the lesson there does not run it again, and waits for it while it is still under way.
// A pooled sandbox goes to whoever comes next: a visitor outside the workshop may get one
// prepared for its first lesson, which is why only running workshops warm anything.
import type { LessonSetup } from '../checks/setup.js';
import type { LessonLibrary } from '../lessons/library.js';
import { starterFilesTar } from '../lessons/starter-files.js';
import type { Logger } from '../log.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import { onStandby, type SandboxStore } from '../store/sandboxes.js';
import type { WorkshopStore } from './store.js';

export interface SetupAheadDeps {
  workshops: Pick<WorkshopStore, 'running'>;
  sandboxes: Pick<SandboxStore, 'live' | 'get'>;
  library: LessonLibrary;
  driver: SandboxDriver;
  setup: LessonSetup;
  log: Logger;
}

export class SetupAhead {
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: SetupAheadDeps) {}

  /** A sandbox joined the pool: prepares it for the running workshop's first lesson, in the background. */
  pooled(sandboxId: string): void {
    if (this.stopped) return;
    const work = this.prepare(sandboxId)
      .catch((err: Error) => this.deps.log.warn({ sandbox: sandboxId, err: err.message }, 'could not prepare a pooled sandbox for the workshop\'s lesson'))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** A workshop started: the sandboxes already waiting in the pool are prepared too. */
  workshopStarted(): void {
    for (const row of this.deps.sandboxes.live()) if (row.state === 'pooled') this.pooled(row.id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.pending]);
  }

  /** The first lesson of the workshop started last, when it has a setup of its own. */
  private lesson() {
    const newest = [...this.deps.workshops.running()].sort((a, b) => (b.started_at ?? 0) - (a.started_at ?? 0))[0];
    if (!newest) return undefined;
    const first = (JSON.parse(newest.lessons) as string[])[0];
    const loaded = first ? this.deps.library.get(first) : undefined;
    return loaded?.lesson.setup?.length ? loaded : undefined;
  }

  private async prepare(sandboxId: string): Promise<void> {
    // A sandbox on standby has no engine to run a setup with; its learner's lesson runs it.
    const row = this.deps.sandboxes.get(sandboxId);
    if (row && onStandby(row)) return;
    const loaded = this.lesson();
    if (!loaded) return;
    // The setup may use the starter files (it runs after them when a learner opens the lesson);
    // opening copies the same files again, unchanged.
    if (loaded.filesDir) await this.deps.driver.copyIn(sandboxId, starterFilesTar(loaded.filesDir));
    await this.deps.setup.ensure(sandboxId, loaded);
  }
}
