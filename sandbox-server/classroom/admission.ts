// The admission queue of workshops: a learner who joins gets a sandbox when the machine has room
// (from the pool at once, or a new one); when it is full they wait in line and are told their
// place, oldest first, and nobody jumps the queue. Whenever a sandbox ends somewhere (heard on
// the feed's sandboxes channel), the head of the line may get one.
import type { Capacity } from '../../contract/dashboard.js';
import type { SandboxChannel } from '../feed/sandboxes.js';
import type { Logger } from '../log.js';
import { SandboxError } from '../sandboxes/driver.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { Sessions } from '../sessions/sessions.js';
import type { SandboxStore } from '../store/sandboxes.js';
import type { LearnerRow, WorkshopRow, WorkshopStore } from './store.js';

export interface AdmissionDeps {
  store: WorkshopStore;
  sessions: Sessions;
  sandboxes: SandboxStore;
  sandboxEvents: SandboxChannel;
  manager: SandboxManager;
  capacity(): Capacity;
  log: Logger;
  /** The learner has a sandbox now (newly admitted, or resuming): follow them and open their lesson. */
  admitted(learner: LearnerRow, workshop: WorkshopRow): void;
  /** Someone in the queue was admitted: their row on the dashboard changed. */
  leftQueue(sessionId: string): void;
}

/** The sandbox lives as long as the learner's time in the workshop. */
export function matchLearnerTime(store: WorkshopStore, sandboxes: SandboxStore, sessionId: string, sandboxId: string): void {
  const learner = store.learner(sessionId);
  const sandbox = sandboxes.get(sandboxId);
  if (!learner?.expires_at || !sandbox?.expires_at) return;
  const delta = learner.expires_at - sandbox.expires_at;
  if (delta !== 0) sandboxes.extend(sandboxId, delta);
}

export class Admission {
  private admitting: Promise<void> | undefined;
  /** Learners being given a sandbox right now: not waiting in the queue, whatever the store says. */
  private readonly inFlight = new Set<string>();
  /** Admissions under way, awaited by stop(). */
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  /** A sandbox ended somewhere: someone queued may now get one. */
  private readonly onSandboxChange = () => {
    // Later, not inside the lifecycle's own call (an acquire says 'changed' before it returns).
    setImmediate(() => this.retry());
  };

  constructor(private readonly deps: AdmissionDeps) {}

  start(): void {
    this.deps.sandboxEvents.on('changed', this.onSandboxChange);
  }

  /** Stops admitting; resolves once admissions under way have settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.sandboxEvents.off('changed', this.onSandboxChange);
    await Promise.allSettled([...this.pending, this.admitting]);
  }

  /** Tries the queue again in the background (a place may have freed up). */
  retry(): void {
    if (this.stopped || this.waiting().length === 0) return;
    void this.admitQueued().catch((err: Error) => this.deps.log.warn({ err: err.message }, 'could not admit queued learners'));
  }

  /** Admits queued learners while there is room, oldest first. */
  admitQueued(): Promise<void> {
    this.admitting ??= this.admitLoop().finally(() => (this.admitting = undefined));
    return this.admitting;
  }

  /** Learners really waiting (refused for lack of room), oldest first. */
  waiting(): LearnerRow[] {
    return this.deps.store.queue().filter((l) => !this.inFlight.has(l.session_id));
  }

  /** The learner's place in the queue (1 is next), or null when not waiting. */
  position(learner: LearnerRow): number | null {
    if (learner.admitted_at !== null || learner.removed_at !== null || this.inFlight.has(learner.session_id)) return null;
    const index = this.waiting().findIndex((l) => l.session_id === learner.session_id);
    return index === -1 ? null : index + 1;
  }

  /**
   * Gives the learner a sandbox when there is room: from the pool at once, or a new one. When
   * the machine is full the learner stays queued; nobody jumps the queue.
   */
  admit(learner: LearnerRow, workshop: WorkshopRow): Promise<void> {
    const admission = this.admitNow(learner, workshop);
    this.pending.add(admission);
    void admission.finally(() => this.pending.delete(admission)).catch(() => undefined);
    return admission;
  }

  private async admitLoop(): Promise<void> {
    for (const learner of this.waiting()) {
      const workshop = this.deps.store.get(learner.workshop_id);
      if (!workshop) continue;
      await this.admit(learner, workshop);
      if (this.position(this.deps.store.learner(learner.session_id)!) !== null) return;
      this.deps.leftQueue(learner.session_id);
    }
  }

  private running(workshopId: string): boolean {
    return this.deps.store.get(workshopId)?.state === 'running';
  }

  private async admitNow(learner: LearnerRow, workshop: WorkshopRow): Promise<void> {
    const { store, sessions, sandboxes, manager } = this.deps;
    const session = sessions.get(learner.session_id)!;
    if (learner.admitted_at !== null) {
      // Resuming: the same sandbox, or a fresh one if it ended (expired, reset elsewhere).
      if (!sessions.liveSandbox(session)) {
        const sandbox = await sessions.ensureSandbox(session);
        matchLearnerTime(store, sandboxes, learner.session_id, sandbox.id);
      }
      this.deps.admitted(learner, workshop);
      return;
    }
    if (this.inFlight.has(learner.session_id) || this.stopped || !this.running(workshop.id)) return;
    // Nobody jumps the queue: only its head (or someone new when nobody waits) may take a place.
    if (this.waiting().findIndex((l) => l.session_id === learner.session_id) > 0) return;
    if (!sandboxes.countByState().pooled && sandboxes.live().length >= this.deps.capacity().total) return;
    this.inFlight.add(learner.session_id);
    try {
      const sandbox = await sessions.ensureSandbox(session);
      // The workshop may have ended, or the learner been removed, while the sandbox started.
      if (this.stopped || !this.running(workshop.id) || store.learner(learner.session_id)?.removed_at) {
        await manager.destroy(sandbox.id, 'released', 'The workshop has ended.');
        return;
      }
      store.admit(learner.session_id, Date.now() + workshop.session_ms);
      matchLearnerTime(store, sandboxes, learner.session_id, sandbox.id);
    } catch (err) {
      if (err instanceof SandboxError && err.code === 'capacity') return;
      throw err;
    } finally {
      this.inFlight.delete(learner.session_id);
    }
    this.deps.admitted(learner, workshop);
  }
}
