// The warm pool: sandboxes created ahead so a learner gets one at once. Acquire hands out a
// pooled sandbox (or creates one for the session when the pool is empty), reserve keeps more warm
// for a workshop about to start, and fill tops the pool up after every change, a couple at a
// time: creation is CPU-heavy (an engine starting), more in parallel only slows each one.
// A pooled sandbox is warm (its engine answers); one created for a learner is handed out as soon
// as a shell runs in it, and its engine starts after, in turn (engines.ts).
//
// Besides the warm ones, a running workshop keeps sandboxes on standby (keepOnStandby): their
// containers run and their shells are open, but their engines wait. One costs a few MiB, so a
// class can have them for everyone nobody pre-warmed for; creating thirty containers when thirty
// learners arrive at once is what made them wait (the host's engine starts containers one after
// another). A claimed standby sandbox starts its engine in turn, as a cold one would. Warm ones
// are handed out first and made first.
import crypto from 'node:crypto';
import { formatSize } from '../../config/units.js';
import { onStandby, type SandboxRow } from '../../store/sandboxes.js';
import { freeBytes } from '../disk.js';
import { SandboxError } from '../driver.js';
import type { LifecycleCore } from './core.js';
import type { EngineStarts } from './engines.js';

const CREATE_CONCURRENCY = 2;

export class SandboxPool {
  private creating = 0;
  private filling: Promise<void> | undefined;
  /** Sandboxes pre-warmed on top of SLIPWAY_POOL_SIZE (a classroom workshop about to start). */
  private reserved = 0;
  /** Sandboxes kept on standby (engine not started) while a workshop runs. */
  private standby = 0;
  /** Of those being created, how many go on standby. */
  private creatingStandby = 0;
  private readonly onChanged = () => {
    if (!this.core.stopped) void this.fill();
  };

  constructor(
    private readonly core: LifecycleCore,
    private readonly engines: EngineStarts,
  ) {
    core.metrics.poolTarget.set(core.config.poolSize);
  }

  /** Refills after every change from now on, and at once. */
  start(): void {
    this.core.events.on('changed', this.onChanged);
    void this.fill();
  }

  stop(): void {
    this.core.events.off('changed', this.onChanged);
  }

  /** Gives a session a ready sandbox: from the pool at once, or a new one when it is empty. */
  async acquire(sessionId: string): Promise<SandboxRow> {
    const { store, config, metrics, events } = this.core;
    const started = performance.now();
    const pooled = store.claimPooled(sessionId, config.sandboxLifetime);
    if (pooled) {
      // Its engine starts now, in turn among the learners' (or on their first docker command).
      if (pooled.standby) this.engines.assigned(pooled.id);
      metrics.assignSeconds.observe({ source: pooled.standby ? 'standby' : 'pool' }, (performance.now() - started) / 1000);
      events.emit('assigned', pooled.id, sessionId);
      this.core.changed();
      return pooled;
    }
    const id = await this.createOne(sessionId);
    metrics.assignSeconds.observe({ source: 'cold' }, (performance.now() - started) / 1000);
    events.emit('assigned', id, sessionId);
    this.core.changed();
    return store.get(id)!;
  }

  /** Keeps `count` more sandboxes warm than SLIPWAY_POOL_SIZE; refills at once when it grows. */
  reserve(count: number): void {
    this.reserved = Math.max(0, Math.floor(count));
    this.core.metrics.poolTarget.set(this.target());
    if (!this.core.stopped) void this.fill();
  }

  target(): number {
    return this.core.config.poolSize + this.reserved;
  }

  /**
   * Keeps `count` sandboxes on standby from now on (0: none); refills at once when it grows. A
   * driver whose engines start with their sandboxes (no deferred engine: swarm) keeps none: its
   * standby sandbox would be a whole one, holding a place standby is not counted in.
   */
  keepOnStandby(count: number): void {
    this.standby = this.core.driver.capabilities.deferredEngine ? Math.max(0, Math.floor(count)) : 0;
    this.core.metrics.poolStandbyTarget.set(this.standby);
    if (!this.core.stopped) void this.fill();
  }

  standbyTarget(): number {
    return this.standby;
  }

  /** Pooled sandboxes past their targets (a workshop ended, fewer expected): ends them. */
  async trim(): Promise<void> {
    // Creations under way finish first (the loop stops at the lowered targets): one landing in
    // the pool after the count would be left over.
    await this.filling;
    const pooled = this.core.store.live().filter((row) => row.state === 'pooled');
    const surplus = [...pooled.filter((row) => !onStandby(row)).slice(this.target()), ...pooled.filter(onStandby).slice(this.standby)];
    await Promise.all(surplus.map((row) => this.core.destroy(row.id, 'released')));
  }

  /** Starts pool refills in the background; concurrent calls share one run. */
  fill(): Promise<void> {
    this.filling ??= this.fillLoop().finally(() => (this.filling = undefined));
    return this.filling;
  }

  private async fillLoop(): Promise<void> {
    const { store, config, log } = this.core;
    const workers = Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (!this.core.stopped) {
        const pooled = store.countPooled();
        const warmWanted = pooled.warm + (this.creating - this.creatingStandby) < this.target();
        const standbyWanted = pooled.standby + this.creatingStandby < this.standby;
        if ((!warmWanted && !standbyWanted) || store.live().length >= config.maxSandboxes) return;
        try {
          await this.createOne(undefined, !warmWanted);
        } catch (err) {
          log.error({ err: (err as Error).message }, 'could not pre-warm a sandbox');
          return;
        }
      }
    });
    await Promise.all(workers);
  }

  /** Creates a sandbox for the pool (warm, or on standby), or straight for a session so no one else can claim it. */
  private async createOne(forSession?: string, standby = false): Promise<string> {
    const { store, config, driver, metrics, events } = this.core;
    if (this.core.backendDown) {
      throw new SandboxError("The server's Docker Engine is not answering (it may be restarting), so no sandbox can start right now. Try again in a minute; if it lasts, the operator should run npm run doctor.", 'engine_unavailable');
    }
    if (store.live().length >= config.maxSandboxes) {
      throw new SandboxError(`All ${config.maxSandboxes} sandboxes this server may run are in use. Ask the instructor, or try again when someone leaves.`, 'capacity');
    }
    this.refuseWhenHostDiskLow();
    const id = `sbx-${crypto.randomBytes(5).toString('hex')}`;
    const started = performance.now();
    store.insert(id, driver.kind);
    this.creating++;
    if (standby) this.creatingStandby++;
    this.core.updateGauges();
    try {
      await this.core.track(driver.create(id));
      if (forSession) {
        store.assign(id, forSession, config.sandboxLifetime);
        this.engines.assigned(id);
      } else {
        if (!standby) await this.engines.start(id, true);
        store.markPooled(id, standby);
        events.emit('pooled', id);
      }
      metrics.created.inc({ result: 'ok' });
      metrics.createSeconds.observe((performance.now() - started) / 1000);
      return id;
    } catch (err) {
      store.end(id, 'failed', (err as Error).message);
      // Created, but its engine did not start (the driver removes what a failed create made).
      this.engines.forget(id);
      await this.core.track(driver.destroy(id)).catch(() => undefined);
      metrics.created.inc({ result: 'error' });
      throw err;
    } finally {
      this.creating--;
      if (standby) this.creatingStandby--;
      this.core.updateGauges();
    }
  }

  private refuseWhenHostDiskLow(): void {
    const { config, driver } = this.core;
    for (const dir of [config.dataPath, ...(driver.capabilities.storagePaths?.() ?? [])]) {
      const free = freeBytes(dir);
      if (free !== undefined && free < config.minFreeDisk) {
        throw new SandboxError(
          `The server's disk is nearly full (${formatSize(free)} free in ${dir}, at least ${formatSize(config.minFreeDisk)} needed), so no new sandbox can start. The operator must free space.`,
          'disk_full',
        );
      }
    }
  }
}
