// Liveness: finds sandboxes that stopped or vanished and acts. After a restart of the backend
// (the Docker Engine stops every container when it stops) they are revived with their files
// and images; otherwise the sandbox died, its learner is told and offered a fresh one. At start,
// reconcile makes a restarted server pick up where it was: re-adopt what the store knows, revive
// what stopped with the engine, remove what it does not know and what waited on standby.
import { onStandby } from '../../store/sandboxes.js';
import type { LifecycleCore } from './core.js';

/** How often sandboxes are checked to be running: a dead one is reported within this long. */
export const LIVENESS_INTERVAL_MS = 5_000;
/** A sandbox found stopped is taken for dead when it is still stopped this long after. */
const SUSPECT_MS = 1_500;
/** The same for a sandbox that was asked to stop: an engine shutting down takes this long at most. */
const ASKED_TO_STOP_SUSPECT_MS = 30_000;

export interface Reconciled {
  adopted: string[];
  removed: string[];
  lost: string[];
}

export class Liveness {
  private checking: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  /** Sandboxes found stopped, and since when: dead if still so a moment later. */
  private readonly suspects = new Map<string, number>();

  constructor(private readonly core: LifecycleCore) {}

  /** One round; asked while a round runs, another follows it (that one may have looked before what prompted this ask). */
  check(): Promise<void> {
    if (this.core.stopped) return Promise.resolve();
    if (this.checking) {
      this.next ??= this.checking.then(() => {
        this.next = undefined;
        return this.check();
      });
      return this.next;
    }
    this.checking = this.round()
      .catch((err: Error) => this.core.log.error({ err: err.message }, 'sandbox liveness check failed'))
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** Waits for the round under way. */
  async settle(): Promise<void> {
    await this.checking;
  }

  /**
   * A shell in this sandbox ended by itself. If the sandbox died with it, end it now, so the
   * learner is told that rather than "the shell exited". The engine may report the container
   * as running for a moment after its processes died, hence a few looks unless the shell
   * exited cleanly (the learner typed exit).
   */
  async confirmAlive(id: string, shellExitCode: number | null): Promise<void> {
    const restart = this.core.driver.capabilities.restart;
    if (!restart) return;
    const looks = shellExitCode === 0 ? 1 : 10;
    for (let look = 0; look < looks && !this.core.stopped; look++) {
      if (look > 0) await new Promise((r) => setTimeout(r, 100));
      const stopped = await restart.whyStopped(id).catch(() => undefined);
      if (stopped === undefined) continue;
      await this.check();
      // Killed or crashed: decided a moment later. Asked to stop: the timer's rounds decide.
      if (!this.suspects.has(id) || stopped.asked) return;
      await new Promise((r) => setTimeout(r, SUSPECT_MS));
      return this.check();
    }
  }

  private async round(): Promise<void> {
    const { core } = this;
    const { store, driver, log } = core;
    if (core.stopped) return;
    // Rows first: a sandbox that finishes creating after the listing is not taken for a vanished one.
    const rows = store.live().filter((row) => row.state !== 'creating');
    let backend: Map<string, boolean>;
    try {
      backend = new Map((await driver.list()).map((b) => [b.id, b.running]));
    } catch (err) {
      if (!core.backendDown) log.error({ err: (err as Error).message }, 'the Docker Engine does not answer; sandboxes cannot start until it is back');
      core.backendDown = true;
      return;
    }
    if (core.backendDown) log.info('the Docker Engine answers again');
    core.backendDown = false;
    const restart = driver.capabilities.restart;
    const restarted = (await restart?.recoverRestart()) ?? false;
    const now = Date.now();
    for (const { id } of rows) {
      const row = store.get(id);
      if (!row || row.ended_at || core.stopped) {
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
        log.warn({ sandbox: id }, 'sandbox container is gone');
        await core.destroy(id, 'lost', 'Your sandbox disappeared from the server (its container was removed). Start a fresh one; your progress is kept.');
        continue;
      }
      const why = await restart?.whyStopped(id).catch(() => undefined);
      if (why?.unreachable) {
        // A lost machine: nothing to wait for or revive; its learner gets a fresh sandbox elsewhere.
        this.suspects.delete(id);
        log.warn({ sandbox: id, why: why.words }, 'sandbox unreachable');
        await core.destroy(id, 'lost', stoppedMessage(why.words));
        continue;
      }
      if (restarted && restart) {
        this.suspects.delete(id);
        // A standby sandbox is made again rather than revived with its engine (see reconcile).
        if (onStandby(row)) await core.destroy(id, 'released');
        else await this.revive(id);
        continue;
      }
      // An engine shutting down stops its containers one by one, for many seconds, while it
      // still answers: a stopped sandbox is taken for dead only if it is still stopped a while
      // later (longer when it was asked to stop) and the engine has not gone or restarted.
      const wait = why?.asked ? ASKED_TO_STOP_SUSPECT_MS : SUSPECT_MS;
      const since = this.suspects.get(id) ?? now;
      this.suspects.set(id, since);
      if (now - since < wait) {
        setTimeout(() => void this.check(), Math.min(wait, LIVENESS_INTERVAL_MS)).unref();
        continue;
      }
      this.suspects.delete(id);
      log.warn({ sandbox: id, why: why?.words }, 'sandbox stopped');
      await core.destroy(id, 'lost', stoppedMessage(why?.words));
    }
  }

  private async revive(id: string): Promise<void> {
    try {
      await this.core.track(this.core.driver.capabilities.restart!.revive(id));
      this.core.log.info({ sandbox: id }, 'sandbox started again after the engine restarted');
      this.core.events.emit('revived', id);
    } catch (err) {
      this.core.log.warn({ sandbox: id, err: (err as Error).message }, 'could not start a sandbox again after the engine restarted');
      await this.core.destroy(id, 'lost', "The server's Docker Engine restarted and your sandbox could not be started again. Start a fresh one; your progress is kept.");
    }
  }

  async reconcile(): Promise<Reconciled> {
    const { store, driver, log, events } = this.core;
    const restart = driver.capabilities.restart;
    const live = new Map(store.live().map((row) => [row.id, row]));
    const backend = await driver.list();
    const result: Reconciled = { adopted: [], removed: [], lost: [] };
    await Promise.all(
      backend.map(async ({ id, running }) => {
        const row = live.get(id);
        if (row && onStandby(row)) {
          // Adopting or reviving waits for the engine, which a standby sandbox has not
          // started; it costs less to make again (the pool refills) than to start its engine.
          await driver.destroy(id);
          store.end(id, 'destroyed', 'On standby when the server stopped; made again instead.');
          result.removed.push(id);
          return;
        }
        if (row && !running && row.state !== 'creating' && restart) {
          // Stopped with the engine (a host reboot, an engine restart while the server was down).
          try {
            await restart.revive(id);
            result.adopted.push(id);
            events.emit('revived', id);
            return;
          } catch (err) {
            log.warn({ sandbox: id, err: (err as Error).message }, 'could not start a stopped sandbox again');
          }
        }
        if (row && running && row.state !== 'creating') {
          try {
            await driver.adopt(id);
            result.adopted.push(id);
            return;
          } catch (err) {
            log.warn({ sandbox: id, err: (err as Error).message }, 'could not re-adopt sandbox');
          }
        }
        await driver.destroy(id);
        if (row) {
          store.end(id, 'failed', 'The sandbox did not survive a server restart.');
          result.lost.push(id);
        } else result.removed.push(id);
      }),
    );
    const inBackend = new Set(backend.map((b) => b.id));
    for (const row of live.values()) {
      if (!inBackend.has(row.id)) {
        store.end(row.id, 'failed', 'The sandbox was gone when the server restarted.');
        result.lost.push(row.id);
      }
    }
    log.info({ adopted: result.adopted.length, removed: result.removed.length, lost: result.lost.length }, 'reconciled sandboxes');
    return result;
  }
}

/** What a learner whose sandbox stopped is told. */
function stoppedMessage(words: string | undefined): string {
  return `Your sandbox stopped unexpectedly${words ? ` (${words})` : ''}. Start a fresh one; your progress is kept.`;
}
