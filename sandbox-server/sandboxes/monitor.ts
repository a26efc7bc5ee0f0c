// Watches the sandboxes in use for what hurts a learner without their asking: a fork bomb held
// at the pids limit (stopped from outside when it holds on), a program killed for lack of
// memory, the inner engine gone or restarted, the disk filling up, the sandbox removed or
// started again after the host's engine restarted. Each becomes a notice on the board
// (notices.ts), once per episode. Cheap with 40 sandboxes: a few file reads each every few
// seconds (a task of the server's scheduler), one event stream from the host engine, and the
// lifecycle's own disk measurements and ends, heard on the feed's sandboxes channel.
import type { SandboxNotice } from '../../contract/notices.js';
import type { DiskUsage } from '../../contract/session-api.js';
import type { Config } from '../config/config.js';
import type { EndReason, EngineState, SandboxChannel } from '../feed/sandboxes.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { SandboxStore } from '../store/sandboxes.js';
import type { SandboxDriver } from './driver.js';
import { noticeText, type NoticeBoard, type NoticeText } from './notices.js';

/** How often sandboxes in use are read. A notice reaches the learner within about this long. */
export const MONITOR_INTERVAL_MS = 3000;
/** The same kind of notice is not repeated for a sandbox within this long (a fork bomb hits the limit on every read). */
const REPEAT_AFTER_MS = 60_000;
/** The inner engine restarts in about a second; missing longer than this, it is "not answering". */
const ENGINE_DOWN_AFTER_MS = 5000;
/**
 * Reads in a row at the pids limit before the programs started from the learner's terminal are
 * stopped: long enough for Ctrl-C and for a burst that ends by itself, short enough that the
 * learner does not sit in front of a dead terminal.
 */
const PINNED_READS_BEFORE_STOP = 3;

/** Ends the learner did not ask for, and the badge's words for them. */
const UNASKED_ENDS: Partial<Record<EndReason, string>> = { disk: 'Removed: disk full', lost: 'Sandbox stopped', failed: 'Sandbox failed' };

export interface MonitorDeps {
  config: Pick<Config, 'sandboxMemory'>;
  driver: SandboxDriver;
  store: SandboxStore;
  sandboxes: SandboxChannel;
  scheduler: Scheduler;
  board: NoticeBoard;
  metrics: Metrics;
  log: Logger;
}

/** What was last seen of one sandbox. */
interface Seen {
  refusedForks?: number;
  /** Reads in a row that found the sandbox at its pids limit. */
  pinnedReads: number;
  /** Identity of the engine's socket; 'missing' once seen without one. */
  engine?: string;
  engineMissingSince?: number;
  toldEngineDown: boolean;
  diskLevel?: DiskUsage['level'];
  told: Map<SandboxNotice['kind'], number>;
}

export class SandboxMonitor {
  private readonly seen = new Map<string, Seen>();
  private polling: Promise<void> | undefined;
  private stopWatchingMemory: (() => void) | undefined;
  private readonly onDisk = (id: string, usage: DiskUsage) => this.diskMeasured(id, usage);
  private readonly onEnded = (id: string, reason: EndReason, message: string) => this.ended(id, reason, message);
  private readonly onRevived = (id: string) => this.revived(id);
  private readonly onEngine = (id: string, state: EngineState) => {
    if (state === 'failed') this.tell(id, 'engine_down', noticeText.engineNotStarted(), true);
  };

  constructor(private readonly deps: MonitorDeps) {}

  start(): void {
    const { driver, sandboxes } = this.deps;
    const signals = driver.capabilities.signals;
    if (signals) {
      this.deps.scheduler.add({ name: 'monitor', everyMs: MONITOR_INTERVAL_MS, run: () => this.poll() });
      this.stopWatchingMemory = signals.watchOutOfMemory((id) => this.tell(id, 'out_of_memory', noticeText.outOfMemory(this.deps.config.sandboxMemory)));
    }
    sandboxes.on('disk', this.onDisk);
    sandboxes.on('ended', this.onEnded);
    sandboxes.on('revived', this.onRevived);
    sandboxes.on('engine', this.onEngine);
  }

  async stop(): Promise<void> {
    this.stopWatchingMemory?.();
    this.deps.sandboxes.off('disk', this.onDisk);
    this.deps.sandboxes.off('ended', this.onEnded);
    this.deps.sandboxes.off('revived', this.onRevived);
    this.deps.sandboxes.off('engine', this.onEngine);
    await this.polling;
  }

  /** Reads every sandbox in use once (the timer calls it; tests may too). Concurrent calls share one run. */
  poll(): Promise<void> {
    this.polling ??= this.pollAll()
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'sandbox monitor round failed'))
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollAll(): Promise<void> {
    const inUse = this.deps.store.live().filter((row) => row.state === 'assigned' || row.state === 'active');
    const ids = new Set(inUse.map((row) => row.id));
    for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
    await Promise.all(inUse.map((row) => this.read(row.id)));
  }

  private async read(id: string): Promise<void> {
    const host = this.deps.driver.capabilities.signals;
    const signals = await host?.read(id).catch(() => undefined);
    if (!signals) return;
    const seen = this.seenOf(id);
    const now = Date.now();
    if (signals.pids) {
      const { current, max, refused } = signals.pids;
      const refusedMore = seen.refusedForks !== undefined && refused > seen.refusedForks;
      seen.refusedForks = refused;
      if (refusedMore || current >= max) this.tell(id, 'pids_limit', noticeText.pidsLimit(max));
      seen.pinnedReads = current >= max ? seen.pinnedReads + 1 : 0;
      if (seen.pinnedReads >= PINNED_READS_BEFORE_STOP && host) {
        seen.pinnedReads = 0;
        const stopped = await host.stopRunaway(id).catch((err: Error) => (this.deps.log.warn({ sandbox: id, err: err.message }, 'could not stop runaway programs'), 0));
        if (stopped > 0) this.tell(id, 'runaway_stopped', noticeText.runawayStopped(max, stopped), true);
      }
    }
    // Not started yet (engines start after the prompt, engines.ts): a start that fails is told on the feed.
    if (signals.engine === null && seen.engine === undefined) return;
    if (signals.engine === null) {
      seen.engineMissingSince ??= now;
      seen.engine ??= 'missing';
      if (!seen.toldEngineDown && now - seen.engineMissingSince >= ENGINE_DOWN_AFTER_MS) {
        seen.toldEngineDown = true;
        this.tell(id, 'engine_down', noticeText.engineDown());
      }
    } else {
      if (seen.engine !== undefined && seen.engine !== signals.engine) this.tell(id, 'engine_restarted', noticeText.engineRestarted(), true);
      seen.engine = signals.engine;
      seen.engineMissingSince = undefined;
      seen.toldEngineDown = false;
    }
  }

  private diskMeasured(id: string, usage: DiskUsage): void {
    const seen = this.seenOf(id);
    if (usage.level === 'warning' && seen.diskLevel !== 'warning') this.tell(id, 'disk_warning', noticeText.diskWarning(usage.usedBytes, usage.limitBytes), true);
    seen.diskLevel = usage.level;
  }

  private ended(id: string, reason: EndReason, message: string): void {
    this.seen.delete(id);
    const title = UNASKED_ENDS[reason];
    if (title) this.tell(id, 'ended', noticeText.ended(title, message), true);
  }

  /** Started again after the host's engine restarted: one notice says it all, not "engine restarted" too. */
  private revived(id: string): void {
    this.seen.delete(id);
    this.tell(id, 'sandbox_restarted', noticeText.sandboxRestarted(), true);
  }

  /** Publishes a notice unless the same one was told lately (or `always`). */
  private tell(id: string, kind: SandboxNotice['kind'], text: NoticeText, always = false): void {
    const seen = this.seenOf(id);
    const now = Date.now();
    const last = seen.told.get(kind);
    if (!always && last !== undefined && now - last < REPEAT_AFTER_MS) return;
    seen.told.set(kind, now);
    const row = this.deps.store.get(id);
    this.deps.board.publish({ kind, sandbox: id, at: now, ...text }, row?.session_id ?? null);
    this.deps.metrics.notices.inc({ kind });
    this.deps.log.info({ sandbox: id, kind }, `sandbox notice: ${text.title}`);
  }

  private seenOf(id: string): Seen {
    let seen = this.seen.get(id);
    if (!seen) this.seen.set(id, (seen = { pinnedReads: 0, toldEngineDown: false, told: new Map() }));
    return seen;
  }
}
