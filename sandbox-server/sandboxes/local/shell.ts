// The local driver's shell: bash on a node-pty terminal on this machine, in the sandbox's
// workspace folder, with an rcfile that adds the same prompt and shell integration as the
// Docker sandbox image.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import type { Shell, ShellSize } from '../driver.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RCFILE = path.join(here, 'bashrc');
/** One source of truth for the integration: the file the sandbox image installs. */
const INTEGRATION = path.join(here, '..', '..', 'images', 'sandbox', 'shell-integration.bash');
const HANGUP_GRACE_MS = 1000;

export interface LocalShellOptions {
  workdir: string;
  historyFile: string;
  size: ShellSize;
}

export function openLocalShell(options: LocalShellOptions): Shell {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // npm's variables describe the server's own start, not the learner's shell.
    if (value !== undefined && !key.startsWith('npm_')) env[key] = value;
  }
  Object.assign(env, {
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    SLIPWAY_HISTFILE: options.historyFile,
    SLIPWAY_SHELL_INTEGRATION: INTEGRATION,
  });
  const child = pty.spawn('bash', ['--rcfile', RCFILE, '-i'], {
    name: 'xterm-256color',
    cols: options.size.cols,
    rows: options.size.rows,
    cwd: options.workdir,
    env,
    encoding: null,
  });
  return new LocalShell(child);
}

class LocalShell implements Shell {
  private exited: { code: number | null } | undefined;
  private readonly exitListeners: Array<(exit: { code: number | null }) => void> = [];

  constructor(private readonly child: pty.IPty) {
    child.onExit(({ exitCode, signal }) => {
      this.exited = { code: signal ? 128 + signal : exitCode };
      for (const listener of this.exitListeners.splice(0)) listener(this.exited);
    });
  }

  // node-pty writes synchronously to the pty; it keeps no queue of its own to report.
  readonly pendingInput = 0;

  onData(listener: (chunk: Buffer) => void): void {
    // With encoding: null node-pty hands out Buffers (its typings say string).
    this.child.onData((data) => listener(data as unknown as Buffer));
  }

  onExit(listener: (exit: { code: number | null }) => void): void {
    if (this.exited) queueMicrotask(() => listener(this.exited!));
    else this.exitListeners.push(listener);
  }

  write(data: Buffer): void {
    if (!this.exited) this.child.write(data);
  }

  resize({ cols, rows }: ShellSize): void {
    if (!this.exited) this.child.resize(cols, rows);
  }

  pause(): void {
    this.child.pause();
  }

  resume(): void {
    this.child.resume();
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.onExit(() => resolve()));
    // bash passes SIGHUP on to its jobs before it exits.
    this.child.kill('SIGHUP');
    const timer = setTimeout(() => this.exited || this.child.kill('SIGKILL'), HANGUP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }
}
