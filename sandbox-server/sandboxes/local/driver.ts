// The local driver: the learner's "sandbox" is a folder on this machine and their shell runs
// here, against this machine's own Docker Engine. NOT isolated: for one person on their own
// laptop where nested Docker is impossible. Chosen only by SLIPWAY_DRIVER=local.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-fs';
import type { Config } from '../../config/config.js';
import type { BackendSandbox, DriverCapabilities, DriverDescription, ExecOptions, ExecResult, SandboxDriver, Shell, ShellSize } from '../driver.js';
import { openLocalShell } from './shell.js';

export class LocalSandboxDriver implements SandboxDriver {
  readonly kind = 'local' as const;
  readonly isolated = false;
  readonly workspace: string;
  /** None: no host signals to read, no restart to recover from, no workshop registry. */
  readonly capabilities: DriverCapabilities = {};
  private readonly root: string;
  private readonly hostEngine = new Docker();
  /** Shells run on this machine, not in a container that goes away: destroy() must end them. */
  private readonly shells = new Map<string, Set<Shell>>();

  constructor(private readonly config: Config) {
    this.root = path.join(config.dataPath, 'local');
    this.workspace = '(a folder under the data directory)';
  }

  describe(): DriverDescription {
    return { driver: this.kind, isolated: this.isolated };
  }

  async prepare(progress: (line: string) => void): Promise<void> {
    fs.mkdirSync(this.root, { recursive: true });
    progress('sandboxes: LOCAL driver — shells run on this machine against its own Docker Engine, with NO isolation');
  }

  /** The real folder of a sandbox's workspace on this machine. */
  workspaceOf(id: string): string {
    return path.join(this.root, id, 'workshop');
  }

  async create(id: string): Promise<void> {
    fs.mkdirSync(this.workspaceOf(id), { recursive: true });
  }

  async adopt(id: string): Promise<void> {
    if (!fs.existsSync(this.workspaceOf(id))) throw new Error(`Workspace of ${id} is gone.`);
  }

  async destroy(id: string): Promise<void> {
    const shells = this.shells.get(id);
    this.shells.delete(id);
    await Promise.all([...(shells ?? [])].map((shell) => shell.kill()));
    fs.rmSync(path.join(this.root, id), { recursive: true, force: true });
  }

  async list(): Promise<BackendSandbox[]> {
    if (!fs.existsSync(this.root)) return [];
    return fs.readdirSync(this.root).map((id) => ({ id, running: true }));
  }

  exec(id: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const maxBytes = options.maxOutputBytes ?? 1024 * 1024;
    return new Promise((resolve, reject) => {
      const child = spawn(command[0]!, command.slice(1), {
        cwd: options.workdir ?? this.workspaceOf(id),
        env: { ...process.env, ...Object.fromEntries((options.env ?? []).map((e) => e.split(/=(.*)/s).slice(0, 2))) },
        timeout: options.timeoutMs ?? 30_000,
        killSignal: 'SIGKILL',
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let sizes = [0, 0];
      let truncated = false;
      const keep = (target: Buffer[], index: 0 | 1) => (chunk: Buffer) => {
        if (sizes[index]! >= maxBytes) { truncated = true; return; }
        target.push(chunk);
        sizes[index]! += chunk.length;
      };
      child.stdout.on('data', keep(out, 0));
      child.stderr.on('data', keep(err, 1));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        resolve({
          exitCode: code ?? 137,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          timedOut: signal === 'SIGKILL',
          truncated,
        });
      });
      // A command that exits without reading its input must not fail the call.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  engine(): Docker {
    return this.hostEngine;
  }

  async copyIn(id: string, archive: Readable, destination?: string): Promise<void> {
    await pipeline(archive, tar.extract(destination ?? this.workspaceOf(id)));
  }

  async copyOut(_id: string, file: string): Promise<Readable> {
    // As the engine's archive endpoint does: the entry named by its base name, a link not followed.
    await fs.promises.lstat(file);
    return tar.pack(path.dirname(file), { entries: [path.basename(file)], dereference: false }) as unknown as Readable;
  }

  async openShell(id: string, size: ShellSize): Promise<Shell> {
    const workdir = this.workspaceOf(id);
    if (!fs.existsSync(workdir)) throw new Error(`Sandbox ${id} has no workspace.`);
    const shell = openLocalShell({ workdir, historyFile: path.join(this.root, id, '.bash_history'), size });
    let set = this.shells.get(id);
    if (!set) this.shells.set(id, (set = new Set()));
    set.add(shell);
    shell.onExit(() => set.delete(shell));
    return shell;
  }
}
