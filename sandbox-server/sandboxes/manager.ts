// Sandbox lifecycle: pooled (pre-warmed) → assigned → active → expired/destroyed. Owns the
// warm pool, expiry, and the reconcile that makes a restarted server pick up where it was.
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { DiskUsage } from '../../contract/session-api.js';
import type { Config } from '../config/config.js';
import { formatSize } from '../config/units.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SandboxRow, SandboxStore } from '../store/sandboxes.js';
import { freeBytes, measureDisk } from './disk.js';
import { SandboxError, type SandboxDriver } from './driver.js';

const SWEEP_INTERVAL_MS = 15_000;
/** How often sandboxes are checked to be running: a dead one is reported within this long. */
const LIVENESS_INTERVAL_MS = 5_000;
/** A sandbox found stopped is taken for dead when it is still stopped this long after. */
const SUSPECT_MS = 1_500;
/** The same for a sandbox that was asked to stop: an engine shutting down takes this long at most. */
const ASKED_TO_STOP_SUSPECT_MS = 30_000;
/** Measuring disk use walks file trees; once a minute is plenty. */
const DISK_EVERY_SWEEPS = 4;
/** Sandbox creation is CPU-heavy (an engine starting); more in parallel only slows each one. */
const CREATE_CONCURRENCY = 2;

export type EndReason = 'lifetime' | 'idle' | 'reset' | 'released' | 'orphan' | 'lost' | 'shutdown' | 'failed' | 'disk';

/**
 * Events: 'changed' when sandboxes were created, handed out or ended; 'pooled' (id) when a
 * sandbox is ready and waiting in the pool (also for those re-adopted at start); 'revived' (id)
 * when a sandbox stopped by an engine restart was started again; 'assigned' (id, sessionId) when a
 * session was given a sandbox, before acquire() resolves.
 */
export class SandboxManager extends EventEmitter {
  private creating = 0;
  private filling: Promise<void> | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private checkingLiveness: Promise<void> | undefined;
  private nextLiveness: Promise<void> | undefined;
  /** Sandboxes found stopped, and since when: dead if still so a moment later. */
  private readonly suspects = new Map<string, number>();
  /** The backend (Docker Engine) did not answer at the last liveness check. */
  private backendDown = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly disk = new Map<string, DiskUsage>();
  private sweeps = 0;
  /** Sandboxes pre-warmed on top of SLIPWAY_POOL_SIZE (a classroom workshop about to start). */
  private reserved = 0;
  /** Sandboxes the idle timeout spares (a workshop learner's lives as long as their time there). */
  private sparedWhenIdle: (row: SandboxRow) => boolean = () => false;

  constructor(
    private readonly config: Config,
    private readonly driver: SandboxDriver,
    private readonly store: SandboxStore,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    super();
    metrics.poolTarget.set(config.poolSize);
  }

  /** Re-adopts what the store knows, removes what it does not, then fills the pool. */
  async start(): Promise<void> {
    await this.reconcile();
    this.updateGauges();
    for (const row of this.store.live()) if (row.state === 'pooled') this.emit('pooled', row.id);
    this.sweepTimer = setInterval(() => void this.sweep().catch((err) => this.log.error({ err }, 'sweep failed')), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    this.livenessTimer = setInterval(() => void this.checkLiveness(), LIVENESS_INTERVAL_MS);
    this.livenessTimer.unref();
    this.fillPool();
  }

  /**
   * Finds sandboxes that stopped or vanished. After a restart of the backend (the Docker Engine
   * stops every container when it stops) they are started again with their files and images;
   * otherwise the sandbox died and its learner is told, and offered a fresh one.
   */
  checkLiveness(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // Asked while a check runs: that one may have looked before what prompted this ask.
    if (this.checkingLiveness) {
      this.nextLiveness ??= this.checkingLiveness.then(() => {
        this.nextLiveness = undefined;
        return this.checkLiveness();
      });
      return this.nextLiveness;
    }
    this.checkingLiveness = this.livenessCheck()
      .catch((err: Error) => this.log.error({ err: err.message }, 'sandbox liveness check failed'))
      .finally(() => (this.checkingLiveness = undefined));
    return this.checkingLiveness;
  }

  /**
   * A shell in this sandbox ended by itself. If the sandbox died with it, end it now, so the
   * learner is told that rather than "the shell exited". The engine may report the container
   * as running for a moment after its processes died, hence a few looks unless the shell
   * exited cleanly (the learner typed exit).
   */
  async confirmAlive(id: string, shellExitCode: number | null): Promise<void> {
    const looks = shellExitCode === 0 ? 1 : 10;
    for (let look = 0; look < looks && !this.stopped; look++) {
      if (look > 0) await new Promise((r) => setTimeout(r, 100));
      const stopped = await this.driver.whyStopped?.(id).catch(() => undefined);
      if (stopped === undefined) continue;
      await this.checkLiveness();
      // Killed or crashed: decided a moment later. Asked to stop: the timer's rounds decide.
      if (!this.suspects.has(id) || stopped.asked) return;
      await new Promise((r) => setTimeout(r, SUSPECT_MS));
      return this.checkLiveness();
    }
  }

  private async livenessCheck(): Promise<void> {
    if (this.stopped) return;
    // Rows first: a sandbox that finishes creating after the listing is not taken for a vanished one.
    const rows = this.store.live().filter((row) => row.state !== 'creating');
    let backend: Map<string, boolean>;
    try {
      backend = new Map((await this.driver.list()).map((b) => [b.id, b.running]));
    } catch (err) {
      if (!this.backendDown) this.log.error({ err: (err as Error).message }, 'the Docker Engine does not answer; sandboxes cannot start until it is back');
      this.backendDown = true;
      return;
    }
    if (this.backendDown) this.log.info('the Docker Engine answers again');
    this.backendDown = false;
    const restarted = (await this.driver.recoverRestart?.()) ?? false;
    const now = Date.now();
    for (const { id } of rows) {
      const row = this.store.get(id);
      if (!row || row.ended_at || this.stopped) {
        this.suspects.delete(id);
        continue;
      }
      const running = backend.get(id);
      if (running) {
        this.suspects.delete(id);
        continue;
      }
      if (running === undefined) {
        this.suspects.delete(id);
        this.log.warn({ sandbox: id }, 'sandbox container is gone');
        await this.destroy(id, 'lost', 'Your sandbox disappeared from the server (its container was removed). Start a fresh one; your progress is kept.');
        continue;
      }
      if (restarted && this.driver.revive) {
        this.suspects.delete(id);
        await this.revive(id);
        continue;
      }
      // An engine shutting down stops its containers one by one, for many seconds, while it
      // still answers: a stopped sandbox is taken for dead only if it is still stopped a while
      // later (longer when it was asked to stop) and the engine has not gone or restarted.
      const why = await this.driver.whyStopped?.(id).catch(() => undefined);
      const wait = why?.asked ? ASKED_TO_STOP_SUSPECT_MS : SUSPECT_MS;
      const since = this.suspects.get(id) ?? now;
      this.suspects.set(id, since);
      if (now - since < wait) {
        setTimeout(() => void this.checkLiveness(), Math.min(wait, LIVENESS_INTERVAL_MS)).unref();
        continue;
      }
      this.suspects.delete(id);
      this.log.warn({ sandbox: id, why: why?.words }, 'sandbox stopped');
      await this.destroy(id, 'lost', `Your sandbox stopped unexpectedly${why ? ` (${why.words})` : ''}. Start a fresh one; your progress is kept.`);
    }
  }

  private async revive(id: string): Promise<void> {
    try {
      await this.track(this.driver.revive!(id));
      this.log.info({ sandbox: id }, 'sandbox started again after the engine restarted');
      this.emit('revived', id);
    } catch (err) {
      this.log.warn({ sandbox: id, err: (err as Error).message }, 'could not start a sandbox again after the engine restarted');
      await this.destroy(id, 'lost', "The server's Docker Engine restarted and your sandbox could not be started again. Start a fresh one; your progress is kept.");
    }
  }

  /** Stops background work; sandboxes stay up to be re-adopted by the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearInterval(this.livenessTimer);
    await this.checkingLiveness;
    await Promise.allSettled([...this.inFlight]);
  }

  async reconcile(): Promise<{ adopted: string[]; removed: string[]; lost: string[] }> {
    const live = new Map(this.store.live().map((row) => [row.id, row]));
    const backend = await this.driver.list();
    const adopted: string[] = [];
    const removed: string[] = [];
    const lost: string[] = [];
    await Promise.all(
      backend.map(async ({ id, running }) => {
        const row = live.get(id);
        if (row && !running && row.state !== 'creating' && this.driver.revive) {
          // Stopped with the engine (a host reboot, an engine restart while the server was down).
          try {
            await this.driver.revive(id);
            adopted.push(id);
            this.emit('revived', id);
            return;
          } catch (err) {
            this.log.warn({ sandbox: id, err: (err as Error).message }, 'could not start a stopped sandbox again');
          }
        }
        if (row && running && row.state !== 'creating') {
          try {
            await this.driver.adopt(id);
            adopted.push(id);
            return;
          } catch (err) {
            this.log.warn({ sandbox: id, err: (err as Error).message }, 'could not re-adopt sandbox');
          }
        }
        await this.driver.destroy(id);
        if (row) {
          this.store.end(id, 'failed', 'The sandbox did not survive a server restart.');
          lost.push(id);
        } else removed.push(id);
      }),
    );
    const inBackend = new Set(backend.map((b) => b.id));
    for (const row of live.values()) {
      if (!inBackend.has(row.id)) {
        this.store.end(row.id, 'failed', 'The sandbox was gone when the server restarted.');
        lost.push(row.id);
      }
    }
    this.log.info({ adopted: adopted.length, removed: removed.length, lost: lost.length }, 'reconciled sandboxes');
    return { adopted, removed, lost };
  }

  /** Gives a session a ready sandbox: from the pool at once, or a new one when it is empty. */
  async acquire(sessionId: string): Promise<SandboxRow> {
    const started = performance.now();
    const pooled = this.store.claimPooled(sessionId, this.config.sandboxLifetime);
    if (pooled) {
      this.metrics.assignSeconds.observe({ source: 'pool' }, (performance.now() - started) / 1000);
      this.emit('assigned', pooled.id, sessionId);
      this.afterChange();
      return pooled;
    }
    const id = await this.createOne(sessionId);
    this.metrics.assignSeconds.observe({ source: 'cold' }, (performance.now() - started) / 1000);
    this.emit('assigned', id, sessionId);
    this.afterChange();
    return this.store.get(id)!;
  }

  async destroy(id: string, reason: EndReason, message = describeEnd(reason)): Promise<void> {
    const started = performance.now();
    this.store.end(id, reason === 'lifetime' || reason === 'idle' ? 'expired' : 'destroyed', message);
    this.disk.delete(id);
    // 'ended' (id, reason, message), before the removal: the sandbox monitor tells the learner at once.
    this.emit('ended', id, reason, message);
    await this.track(this.driver.destroy(id));
    this.metrics.destroyed.inc({ reason });
    this.metrics.destroySeconds.observe((performance.now() - started) / 1000);
    this.afterChange();
  }

  /** Records learner activity (keeps the idle timer from firing). */
  touch(id: string): void {
    this.store.touch(id);
  }

  private liveCount(): number {
    return this.store.live().length;
  }

  /** Creates a sandbox for the pool, or straight for a session so no one else can claim it. */
  private async createOne(forSession?: string): Promise<string> {
    if (this.backendDown) {
      throw new SandboxError("The server's Docker Engine is not answering (it may be restarting), so no sandbox can start right now. Try again in a minute; if it lasts, the operator should run npm run doctor.", 'engine_unavailable');
    }
    if (this.liveCount() >= this.config.maxSandboxes) {
      throw new SandboxError(
        `All ${this.config.maxSandboxes} sandboxes this server may run are in use. Ask the instructor, or try again when someone leaves.`,
        'capacity',
      );
    }
    this.refuseWhenHostDiskLow();
    const id = `sbx-${crypto.randomBytes(5).toString('hex')}`;
    const started = performance.now();
    this.store.insert(id, this.driver.kind);
    this.creating++;
    this.updateGauges();
    try {
      await this.track(this.driver.create(id));
      if (forSession) this.store.assign(id, forSession, this.config.sandboxLifetime);
      else {
        this.store.markPooled(id);
        this.emit('pooled', id);
      }
      this.metrics.created.inc({ result: 'ok' });
      this.metrics.createSeconds.observe((performance.now() - started) / 1000);
      return id;
    } catch (err) {
      this.store.end(id, 'failed', (err as Error).message);
      this.metrics.created.inc({ result: 'error' });
      throw err;
    } finally {
      this.creating--;
      this.updateGauges();
    }
  }

  /** Keeps `count` more sandboxes warm than SLIPWAY_POOL_SIZE; refills at once when it grows. */
  reserve(count: number): void {
    this.reserved = Math.max(0, Math.floor(count));
    this.metrics.poolTarget.set(this.poolTarget());
    if (!this.stopped) void this.fillPool();
  }

  poolTarget(): number {
    return this.config.poolSize + this.reserved;
  }

  /** Starts pool refills in the background; concurrent calls share one run. */
  fillPool(): Promise<void> {
    if (!this.filling) {
      this.filling = this.fillLoop().finally(() => (this.filling = undefined));
    }
    return this.filling;
  }

  private async fillLoop(): Promise<void> {
    const workers = Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (!this.stopped) {
        const counts = this.store.countByState();
        const waiting = (counts.pooled ?? 0) + this.creating;
        if (waiting >= this.poolTarget() || this.liveCount() >= this.config.maxSandboxes) return;
        try {
          await this.createOne();
        } catch (err) {
          this.log.error({ err: (err as Error).message }, 'could not pre-warm a sandbox');
          return;
        }
      }
    });
    await Promise.all(workers);
  }

  /** Lets the idle timeout spare some sandboxes; their lifetime still ends them. */
  spareWhenIdle(predicate: (row: SandboxRow) => boolean): void {
    this.sparedWhenIdle = predicate;
  }

  /** Ends sandboxes past their lifetime or idle timeout; every few runs, checks disk use. */
  async sweep(now = Date.now()): Promise<void> {
    for (const row of this.store.due(now, this.config.sandboxIdleTimeout)) {
      if (row.why === 'idle' && this.sparedWhenIdle(row)) continue;
      this.log.info({ sandbox: row.id, why: row.why }, 'sandbox expired');
      await this.destroy(row.id, row.why);
    }
    if (++this.sweeps % DISK_EVERY_SWEEPS === 0) await this.checkDisks();
  }

  /** The last disk measurement of a sandbox, if any. */
  diskUsage(id: string): DiskUsage | undefined {
    return this.disk.get(id);
  }

  /** Measures every sandbox in use; removes those past their disk allowance. */
  async checkDisks(): Promise<void> {
    if (!this.driver.isolated) return;
    const inUse = this.store.live().filter((row) => row.state === 'assigned' || row.state === 'active');
    for (const row of inUse) {
      let usage: DiskUsage;
      try {
        usage = await measureDisk(this.driver, row.id, this.config.sandboxDisk);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) {
          // The container is gone (removed by hand, or the engine lost it): say so to the learner.
          this.log.warn({ sandbox: row.id }, 'sandbox container is gone');
          await this.destroy(row.id, 'lost');
        } else {
          this.log.warn({ sandbox: row.id, err: (err as Error).message }, 'could not measure disk use');
        }
        continue;
      }
      this.disk.set(row.id, usage);
      // 'disk' (id, usage) after each measurement: the sandbox monitor warns near the allowance.
      this.emit('disk', row.id, usage);
      if (usage.level === 'over') {
        this.log.warn({ sandbox: row.id, used: usage.usedBytes, limit: usage.limitBytes }, 'sandbox over its disk allowance; removing it');
        await this.destroy(row.id, 'disk', `The sandbox used ${formatSize(usage.usedBytes)} of disk, more than its ${formatSize(usage.limitBytes)} allowance, and was removed to protect the other learners. Start a fresh one; delete big images or files as you go (docker system df shows what uses space).`);
      }
    }
  }

  private refuseWhenHostDiskLow(): void {
    for (const dir of [this.config.dataPath, ...(this.driver.storagePaths?.() ?? [])]) {
      const free = freeBytes(dir);
      if (free !== undefined && free < this.config.minFreeDisk) {
        throw new SandboxError(
          `The server's disk is nearly full (${formatSize(free)} free in ${dir}, at least ${formatSize(this.config.minFreeDisk)} needed), so no new sandbox can start. The operator must free space.`,
          'disk_full',
        );
      }
    }
  }

  private afterChange(): void {
    this.updateGauges();
    this.emit('changed');
    if (!this.stopped) void this.fillPool();
  }

  private updateGauges(): void {
    const counts = this.store.countByState();
    for (const state of ['creating', 'pooled', 'assigned', 'active']) this.metrics.sandboxesByState.set({ state }, counts[state] ?? 0);
    this.metrics.poolSize.set(counts.pooled ?? 0);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    return promise.finally(() => this.inFlight.delete(promise));
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
