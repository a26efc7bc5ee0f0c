// The sandbox lifecycle as the rest of the server sees it: pooled (pre-warmed, or on standby) →
// assigned → active → expired/destroyed. Each concern is a part of its own in lifecycle/ (pool,
// liveness, expiry, what they share), and their rounds run as tasks of the server's scheduler;
// this class puts them together and is the one door in. What happens to sandboxes goes out on
// the feed's sandboxes channel (feed/sandboxes.ts).
import type { DiskUsage } from '../../contract/session-api.js';
import type { EndReason } from '../feed/sandboxes.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { SandboxRow, SandboxStore } from '../store/sandboxes.js';
import type { Machine } from './driver.js';
import { LifecycleCore, type LifecycleDeps } from './lifecycle/core.js';
import { EngineStarts, WANTED_INTERVAL_MS } from './lifecycle/engines.js';
import { DISK_INTERVAL_MS, EXPIRY_INTERVAL_MS, Expiry } from './lifecycle/expiry.js';
import { LIVENESS_INTERVAL_MS, Liveness, type Reconciled } from './lifecycle/liveness.js';
import { SandboxPool } from './lifecycle/pool.js';

export { describeEnd } from './lifecycle/core.js';

export interface ManagerDeps extends LifecycleDeps {
  scheduler: Scheduler;
}

export class SandboxManager {
  private readonly core: LifecycleCore;
  /** Sandboxes' own engines, started after their prompts, a few at a time. */
  readonly engines: EngineStarts;
  private readonly pool: SandboxPool;
  private readonly liveness: Liveness;
  private readonly expiry: Expiry;

  constructor(private readonly deps: ManagerDeps) {
    this.core = new LifecycleCore(deps);
    this.engines = new EngineStarts(this.core);
    this.pool = new SandboxPool(this.core, this.engines);
    this.liveness = new Liveness(this.core);
    this.expiry = new Expiry(this.core);
  }

  /** The sandboxes' rows, as the lifecycle keeps them (tests and diagnostics read them). */
  get store(): SandboxStore {
    return this.core.store;
  }

  /** Re-adopts what the store knows, removes what it does not, then fills the pool and starts the rounds. */
  async start(): Promise<void> {
    await this.reconcile();
    this.core.updateGauges();
    for (const row of this.core.store.live()) if (row.state === 'pooled') this.core.events.emit('pooled', row.id);
    const { scheduler } = this.deps;
    scheduler.add({ name: 'liveness', everyMs: LIVENESS_INTERVAL_MS, run: () => this.liveness.check() });
    scheduler.add({ name: 'expiry', everyMs: EXPIRY_INTERVAL_MS, run: () => this.expiry.sweep() });
    scheduler.add({ name: 'disk', everyMs: DISK_INTERVAL_MS, run: () => this.expiry.checkDisks() });
    scheduler.add({ name: 'engine-wants', everyMs: WANTED_INTERVAL_MS, run: () => this.engines.promoteWanted() });
    this.pool.start();
  }

  /** Stops background work; sandboxes stay up to be re-adopted by the next start. */
  async stop(): Promise<void> {
    this.core.stopped = true;
    this.pool.stop();
    this.expiry.stop();
    await this.liveness.settle();
    await this.core.settle();
  }

  // --- pool ------------------------------------------------------------------------------

  /** Gives a session a ready sandbox: from the pool at once, or a new one when it is empty. */
  acquire(sessionId: string): Promise<SandboxRow> {
    return this.pool.acquire(sessionId);
  }

  /** Keeps `count` more sandboxes warm than SLIPWAY_POOL_SIZE; refills at once when it grows. */
  reserve(count: number): void {
    this.pool.reserve(count);
  }

  poolTarget(): number {
    return this.pool.target();
  }

  /** Keeps `count` sandboxes on standby (started, their engines not) while workshops run. */
  keepOnStandby(count: number): void {
    this.pool.keepOnStandby(count);
  }

  standbyTarget(): number {
    return this.pool.standbyTarget();
  }

  /** Ends pooled sandboxes past the pool's targets (warm and standby). */
  trimPool(): Promise<void> {
    return this.pool.trim();
  }

  /** Starts pool refills in the background; concurrent calls share one run. */
  fillPool(): Promise<void> {
    return this.pool.fill();
  }

  // --- liveness --------------------------------------------------------------------------

  /** Finds sandboxes that stopped or vanished: revives them after an engine restart, else ends them. */
  checkLiveness(): Promise<void> {
    return this.liveness.check();
  }

  /** A shell in this sandbox ended by itself: if the sandbox died with it, end it now. */
  confirmAlive(id: string, shellExitCode: number | null): Promise<void> {
    return this.liveness.confirmAlive(id, shellExitCode);
  }

  reconcile(): Promise<Reconciled> {
    return this.liveness.reconcile();
  }

  // --- expiry and ends -------------------------------------------------------------------

  destroy(id: string, reason: EndReason, message?: string): Promise<void> {
    return this.core.destroy(id, reason, message);
  }

  /** Records learner activity (keeps the idle timer from firing). */
  touch(id: string): void {
    this.core.store.touch(id);
  }

  /** Lets the idle timeout spare some sandboxes; their lifetime still ends them. */
  spareWhenIdle(predicate: (row: SandboxRow) => boolean): void {
    this.expiry.spareWhenIdle(predicate);
  }

  /** Ends sandboxes past their lifetime or idle timeout. */
  sweep(now = Date.now()): Promise<void> {
    return this.expiry.sweep(now);
  }

  /** The last disk measurement of a sandbox, if any. */
  diskUsage(id: string): DiskUsage | undefined {
    return this.expiry.diskUsage(id);
  }

  /** Measures every sandbox in use; removes those past their disk allowance. */
  checkDisks(): Promise<void> {
    return this.expiry.checkDisks();
  }

  /** The machines sandboxes run on when they are not this one (a swarm's nodes), for the capacity; undefined for this machine. */
  machines(): Machine[] | undefined {
    return this.deps.driver.capabilities.machines?.();
  }

  /** The machine a sandbox runs on when sandboxes are spread over several (a swarm node), for the instructor. */
  machineOf(id: string): string | undefined {
    return this.deps.driver.capabilities.machineOf?.(id);
  }
}
