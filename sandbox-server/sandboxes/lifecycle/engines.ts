// Starting sandboxes' own engines after their prompts. A sandbox is handed out as soon as a
// shell can run in it; its Docker Engine starts here, a few at a time (SLIPWAY_ENGINE_STARTS),
// because thirty engines starting at once on two cores make everyone wait for all of them.
// Sandboxes whose learner already typed a `docker` command go first (their shim asks, see
// promoteWanted), then other learners' sandboxes, then those pre-warmed for the pool. With
// SLIPWAY_ENGINE_START=on-use a learner's engine waits for that first command. Each change of an
// engine's state goes out on the sandboxes channel.
import type { EngineState } from '../../feed/sandboxes.js';
import type { LifecycleCore } from './core.js';

/** How often sandboxes whose engine has not started are asked whether a command waits for it. */
export const WANTED_INTERVAL_MS = 200;

interface Waiting {
  id: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class EngineStarts {
  private readonly states = new Map<string, EngineState>();
  /** Learners' sandboxes (those asked for by a command at the front), then the pool's. */
  private readonly forLearners: Waiting[] = [];
  private readonly forPool: Waiting[] = [];
  /** Starts asked for and not finished, by sandbox. */
  private readonly pending = new Map<string, Promise<void>>();
  private running = 0;

  constructor(private readonly core: LifecycleCore) {
    core.events.on('ended', (id) => this.forget(id));
  }

  /** Where this sandbox's engine is; 'ready' for one this part never started (adopted, or a driver without deferred engines). */
  state(id: string): EngineState {
    return this.states.get(id) ?? 'ready';
  }

  /** How many engines wait for their turn and how many are starting now (the instructor's burst progress). */
  counts(): { queued: number; starting: number } {
    let queued = 0;
    let starting = 0;
    for (const state of this.states.values()) {
      if (state === 'queued') queued++;
      else if (state === 'starting') starting++;
    }
    return { queued, starting };
  }

  /** A learner was given this sandbox: its engine starts in turn, or waits for their first docker command. */
  assigned(id: string): void {
    if (!this.core.driver.capabilities.deferredEngine) return;
    if (this.core.config.engineStart === 'on-use') this.set(id, 'on-use');
    // Its failure is told to the learner by the monitor (the engine event).
    else void this.start(id).catch(() => undefined);
  }

  /**
   * Starts the engine in turn (the pool's after learners') and resolves once it answers; a
   * second call for the same sandbox shares the first.
   */
  start(id: string, forPool = false): Promise<void> {
    if (!this.core.driver.capabilities.deferredEngine || this.states.get(id) === 'ready') return Promise.resolve();
    const pending = this.pending.get(id);
    if (pending) return pending;
    const started = new Promise<void>((resolve, reject) => {
      (forPool ? this.forPool : this.forLearners).push({ id, resolve, reject });
      this.set(id, 'queued');
      this.next();
    }).finally(() => this.pending.delete(id));
    this.pending.set(id, started);
    return started;
  }

  /** A command in the sandbox waits for its engine: it goes first (a task of the scheduler). */
  async promoteWanted(): Promise<void> {
    const deferred = this.core.driver.capabilities.deferredEngine;
    if (!deferred) return;
    for (const [id, state] of this.states) {
      if ((state !== 'queued' && state !== 'on-use') || !deferred.wanted(id)) continue;
      if (state === 'on-use') void this.start(id).catch(() => undefined);
      for (const queue of [this.forPool, this.forLearners]) {
        const at = queue.findIndex((w) => w.id === id);
        if (at >= 0) this.forLearners.unshift(queue.splice(at, 1)[0]!);
      }
    }
    this.next();
  }

  /** The sandbox is gone: it leaves the queue, and its state is forgotten. */
  forget(id: string): void {
    for (const queue of [this.forLearners, this.forPool]) {
      const at = queue.findIndex((w) => w.id === id);
      if (at >= 0) queue.splice(at, 1)[0]!.reject(new Error(`Sandbox ${id} ended before its engine started.`));
    }
    this.states.delete(id);
  }

  private next(): void {
    while (this.running < this.core.config.engineStarts && !this.core.stopped) {
      const waiting = this.forLearners.shift() ?? this.forPool.shift();
      if (!waiting) return;
      this.running++;
      void this.run(waiting).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async run(waiting: Waiting): Promise<void> {
    const { id } = waiting;
    this.set(id, 'starting');
    try {
      await this.core.track(this.core.driver.capabilities.deferredEngine!.start(id));
      if (this.states.has(id)) this.set(id, 'ready');
      waiting.resolve();
    } catch (err) {
      if (this.states.has(id)) {
        this.core.log.warn({ sandbox: id, err: (err as Error).message }, "a sandbox's engine did not start");
        this.set(id, 'failed');
      }
      waiting.reject(err as Error);
    }
  }

  private set(id: string, state: EngineState): void {
    if (this.states.get(id) === state) return;
    this.states.set(id, state);
    this.core.events.emit('engine', id, state);
  }
}
