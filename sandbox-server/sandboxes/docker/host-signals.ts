// The Docker driver's host signals: what the host reads of a sandbox's health without entering
// it (its pids cgroup, its engine's socket), the host engine's out-of-memory events for this
// installation's sandboxes, and stopping runaway programs from outside.
import path from 'node:path';
import type Docker from 'dockerode';
import { LABEL, names } from '../../labels.js';
import type { Logger } from '../../log.js';
import { EngineEvents } from '../engine-events.js';
import type { HostSignals, SandboxSignals } from '../driver.js';
import { stopTerminalPrograms } from './runaway.js';
import { findPidsCgroup, readPids, socketIdentity } from './signals.js';

export class DockerHostSignals implements HostSignals {
  /** Each running sandbox's pids cgroup folder on the host, found once. */
  private readonly pidsCgroups = new Map<string, string>();

  constructor(
    private readonly docker: Docker,
    private readonly instance: string,
    /** The host folder holding the sandbox's engine socket. */
    private readonly socketDir: (id: string) => string,
    private readonly log: Logger,
  ) {}

  async read(id: string): Promise<SandboxSignals | undefined> {
    let cgroup = this.pidsCgroups.get(id);
    if (!cgroup) {
      cgroup = await findPidsCgroup(this.container(id));
      if (!cgroup) return undefined;
      this.pidsCgroups.set(id, cgroup);
    }
    const pids = readPids(cgroup);
    // Gone with a stopped container; found again once it runs.
    if (!pids) this.pidsCgroups.delete(id);
    return { pids, engine: socketIdentity(path.join(this.socketDir(id), 'docker.sock')) };
  }

  async stopRunaway(id: string): Promise<number> {
    const cgroup = this.pidsCgroups.get(id) ?? (await findPidsCgroup(this.container(id)));
    return cgroup ? stopTerminalPrograms(cgroup) : 0;
  }

  watchOutOfMemory(listener: (sandboxId: string) => void): () => void {
    const filters = { type: ['container'], event: ['oom'], label: [`${LABEL.instance}=${this.instance}`, `${LABEL.role}=sandbox`] };
    const events = new EngineEvents(
      this.docker,
      (event) => {
        const id = event.Action === 'oom' ? event.Actor?.Attributes?.[LABEL.sandbox] : undefined;
        if (id) listener(id);
      },
      () => true,
      this.log,
      filters,
    );
    events.start();
    return () => events.stop();
  }

  /** The sandbox is gone: its cgroup is not to be read again. */
  forget(id: string): void {
    this.pidsCgroups.delete(id);
  }

  private container(id: string): Docker.Container {
    return this.docker.getContainer(names.sandboxContainer(this.instance, id));
  }
}
