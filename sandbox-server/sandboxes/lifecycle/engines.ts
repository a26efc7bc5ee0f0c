// Starting sandboxes' own engines after their prompts. A sandbox is handed out as soon as a
// shell can run in it; its Docker Engine starts here, a few at a time (SLIPWAY_ENGINE_STARTS),
// because thirty engines starting at once on two cores make everyone wait for all of them.
// Sandboxes handed to learners go before those pre-warmed for the pool. A learner's first
// `docker` command does not wait for its turn: it starts its engine itself, inside the sandbox.
// Each change of an engine's state goes out on the sandboxes channel.
import type { EngineState } from '../../feed/sandboxes.js';
import type { LifecycleCore } from './core.js';

interface Waiting {
  id: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class EngineStarts {
  private readonly states = new Map<string, EngineState>();
  /** Learners' sandboxes first, then the pool's. */
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

  /**
   * Starts the engine in turn and resolves once it answers; a second call for the same sandbox
   * shares the first. With SLIPWAY_ENGINE_STARTS=0 a learner's engine is not started here (it
   * starts with their first docker command); the pool's are, as they are meant to be warm.
   */
  start(id: string, forPool = false): Promise<void> {
    if (!this.core.driver.capabilities.deferredEngine) return Promise.resolve();
    const state = this.states.get(id);
    if (state === 'ready') return Promise.resolve();
    const pending = this.pending.get(id);
    if (pending) return pending;
    if (!forPool && this.core.config.engineStarts === 0 && state === undefined) {
      this.set(id, 'on-use');
      return Promise.resolve();
    }
    const started = new Promise<void>((resolve, reject) => {
      (forPool ? this.forPool : this.forLearners).push({ id, resolve, reject });
      this.set(id, 'queued');
      this.next();
    }).finally(() => this.pending.delete(id));
    this.pending.set(id, started);
    return started;
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
    const limit = Math.max(1, this.core.config.engineStarts);
    while (this.running < limit && !this.core.stopped) {
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
      this.core.log.warn({ sandbox: id, err: (err as Error).message }, "a sandbox's engine did not start");
      if (this.states.has(id)) this.set(id, 'failed');
      waiting.reject(err as Error);
    }
  }

  private set(id: string, state: EngineState): void {
    if (this.states.get(id) === state) return;
    this.states.set(id, state);
    this.core.events.emit('engine', id, state);
  }
}
