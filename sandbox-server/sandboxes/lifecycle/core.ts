// What the sandbox lifecycle's parts share: the store, the driver, the feed's sandboxes channel,
// and the few things every part does the same way: ending a sandbox, saying that sandboxes
// changed, keeping the gauges true, tracking backend calls so a stop can wait for them.
import type { Config } from '../../config/config.js';
import type { EndReason, SandboxChannel } from '../../feed/sandboxes.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { SandboxStore } from '../../store/sandboxes.js';
import type { SandboxDriver } from '../driver.js';

export interface LifecycleDeps {
  config: Config;
  driver: SandboxDriver;
  store: SandboxStore;
  metrics: Metrics;
  log: Logger;
  events: SandboxChannel;
}

export class LifecycleCore {
  readonly config: Config;
  readonly driver: SandboxDriver;
  readonly store: SandboxStore;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly events: SandboxChannel;
  /** Set once the server stops: no new work starts. */
  stopped = false;
  /** The backend (Docker Engine) did not answer at the last liveness check: nothing can be created. */
  backendDown = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(deps: LifecycleDeps) {
    ({ config: this.config, driver: this.driver, store: this.store, metrics: this.metrics, log: this.log, events: this.events } = deps);
  }

  /** Ends a sandbox: stored as ended first (so nobody is handed it), then removed from the backend. */
  async destroy(id: string, reason: EndReason, message = describeEnd(reason)): Promise<void> {
    const started = performance.now();
    this.store.end(id, reason === 'lifetime' || reason === 'idle' ? 'expired' : 'destroyed', message);
    // Before the removal: the sandbox monitor tells the learner at once.
    this.events.emit('ended', id, reason, message);
    await this.track(this.driver.destroy(id));
    this.metrics.destroyed.inc({ reason });
    this.metrics.destroySeconds.observe((performance.now() - started) / 1000);
    this.changed();
  }

  /** Sandboxes were created, handed out or ended: the gauges follow, and whoever waits on it hears (the pool refills). */
  changed(): void {
    this.updateGauges();
    this.events.emit('changed');
  }

  updateGauges(): void {
    const counts = this.store.countByState();
    for (const state of ['creating', 'pooled', 'assigned', 'active']) this.metrics.sandboxesByState.set({ state }, counts[state] ?? 0);
    const pooled = this.store.countPooled();
    this.metrics.poolSize.set(pooled.warm);
    this.metrics.poolStandby.set(pooled.standby);
  }

  /** Calls to the backend under way, awaited by settle(). */
  track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    return promise.finally(() => this.inFlight.delete(promise));
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

export function describeEnd(reason: EndReason): string {
  switch (reason) {
    case 'lifetime': return 'The sandbox reached the end of its time and was removed.';
    case 'idle': return 'The sandbox was unused for too long and was removed.';
    case 'reset': return 'The sandbox was reset; a fresh one replaces it.';
    case 'released': return 'The sandbox was given back.';
    case 'orphan': return 'The sandbox belonged to no session and was removed.';
    case 'lost': return 'The sandbox stopped unexpectedly.';
    case 'shutdown': return 'The server removed the sandbox while shutting down.';
    case 'failed': return 'The sandbox failed.';
    case 'disk': return 'The sandbox used more disk than allowed and was removed.';
  }
}
