// Expiry: ends sandboxes past their lifetime or idle timeout (a workshop learner's may be spared
// the idle timeout), and measures the disk use of sandboxes in use, removing those past their
// allowance before one learner fills the host.
import type { DiskUsage } from '../../../contract/session-api.js';
import { formatSize } from '../../config/units.js';
import type { SandboxRow } from '../../store/sandboxes.js';
import { measureDisk } from '../disk.js';
import type { LifecycleCore } from './core.js';

/** How often lifetimes and idle timeouts are looked at. */
export const EXPIRY_INTERVAL_MS = 15_000;
/** Measuring disk use walks file trees; once a minute is plenty. */
export const DISK_INTERVAL_MS = 60_000;

export class Expiry {
  private readonly disk = new Map<string, DiskUsage>();
  /** Sandboxes the idle timeout spares (a workshop learner's lives as long as their time there). */
  private sparedWhenIdle: (row: SandboxRow) => boolean = () => false;
  private readonly onEnded = (id: string) => this.disk.delete(id);

  constructor(private readonly core: LifecycleCore) {
    core.events.on('ended', this.onEnded);
  }

  stop(): void {
    this.core.events.off('ended', this.onEnded);
  }

  /** Lets the idle timeout spare some sandboxes; their lifetime still ends them. */
  spareWhenIdle(predicate: (row: SandboxRow) => boolean): void {
    this.sparedWhenIdle = predicate;
  }

  /** Ends sandboxes past their lifetime or idle timeout. */
  async sweep(now = Date.now()): Promise<void> {
    for (const row of this.core.store.due(now, this.core.config.sandboxIdleTimeout)) {
      if (row.why === 'idle' && this.sparedWhenIdle(row)) continue;
      this.core.log.info({ sandbox: row.id, why: row.why }, 'sandbox expired');
      await this.core.destroy(row.id, row.why);
    }
  }

  /** The last disk measurement of a sandbox, if any. */
  diskUsage(id: string): DiskUsage | undefined {
    return this.disk.get(id);
  }

  /** Measures every sandbox in use; removes those past their disk allowance. */
  async checkDisks(): Promise<void> {
    const { core } = this;
    if (!core.driver.isolated) return;
    const inUse = core.store.live().filter((row) => row.state === 'assigned' || row.state === 'active');
    for (const row of inUse) {
      let usage: DiskUsage;
      try {
        usage = await measureDisk(core.driver, row.id, core.config.sandboxDisk);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) {
          // The container is gone (removed by hand, or the engine lost it): say so to the learner.
          core.log.warn({ sandbox: row.id }, 'sandbox container is gone');
          await core.destroy(row.id, 'lost');
        } else {
          core.log.warn({ sandbox: row.id, err: (err as Error).message }, 'could not measure disk use');
        }
        continue;
      }
      this.disk.set(row.id, usage);
      // After each measurement: the sandbox monitor warns near the allowance.
      core.events.emit('disk', row.id, usage);
      if (usage.level === 'over') {
        core.log.warn({ sandbox: row.id, used: usage.usedBytes, limit: usage.limitBytes }, 'sandbox over its disk allowance; removing it');
        await core.destroy(row.id, 'disk', `The sandbox used ${formatSize(usage.usedBytes)} of disk, more than its ${formatSize(usage.limitBytes)} allowance, and was removed to protect the other learners. Start a fresh one; delete big images or files as you go (docker system df shows what uses space).`);
      }
    }
  }
}
