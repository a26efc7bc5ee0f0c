// The warm pool: sandboxes created ahead so a learner gets one at once. Acquire hands out a
// pooled sandbox (or creates one for the session when the pool is empty), reserve keeps more warm
// for a workshop about to start, and fill tops the pool up after every change, a couple at a
// time: creation is CPU-heavy (an engine starting), more in parallel only slows each one.
// A pooled sandbox is warm (its engine answers); one created for a learner is handed out as soon
// as a shell runs in it, and its engine starts after, in turn (engines.ts).
import crypto from 'node:crypto';
import { formatSize } from '../../config/units.js';
import type { SandboxRow } from '../../store/sandboxes.js';
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
      metrics.assignSeconds.observe({ source: 'pool' }, (performance.now() - started) / 1000);
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

  /** Starts pool refills in the background; concurrent calls share one run. */
  fill(): Promise<void> {
    this.filling ??= this.fillLoop().finally(() => (this.filling = undefined));
    return this.filling;
  }

  private async fillLoop(): Promise<void> {
    const { store, config, log } = this.core;
    const workers = Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (!this.core.stopped) {
        const waiting = (store.countByState().pooled ?? 0) + this.creating;
        if (waiting >= this.target() || store.live().length >= config.maxSandboxes) return;
        try {
          await this.createOne();
        } catch (err) {
          log.error({ err: (err as Error).message }, 'could not pre-warm a sandbox');
          return;
        }
      }
    });
    await Promise.all(workers);
  }

  /** Creates a sandbox for the pool, or straight for a session so no one else can claim it. */
  private async createOne(forSession?: string): Promise<string> {
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
    this.core.updateGauges();
    try {
      await this.core.track(driver.create(id));
      if (forSession) {
        store.assign(id, forSession, config.sandboxLifetime);
        this.engines.assigned(id);
      } else {
        await this.engines.start(id, true);
        store.markPooled(id);
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
