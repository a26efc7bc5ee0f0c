// The learner's shell in a Docker-in-Docker sandbox: a docker exec with a TTY running a login
// bash in the workspace. The Engine API has no way to kill an exec, and closing its hijacked
// stream leaves the process running, so the shell reports its own PID first (as a private OSC
// sequence, stripped here) and kill() signals its whole terminal session from inside.
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOptions, ExecResult, Shell, ShellSize } from '../driver.js';

/** `sh` prints its PID (which `exec bash` keeps), then becomes the login shell. */
const PID_MARK = '\x1b]6973;pid;';
const LAUNCH = `printf '\\033]6973;pid;%s\\007' "$$"; exec bash -l`;
/** The PID announcement is the first output; anything longer than this is not it. */
const PID_PREAMBLE_MAX = 64;
const PID_TIMEOUT_MS = 10_000;
/** Time bash gets to pass SIGHUP to its jobs and exit before everything left is killed. */
const HANGUP_GRACE_S = 1;

export interface DockerShellOptions {
  container: Docker.Container;
  workdir: string;
  size: ShellSize;
  /** Runs a command in the sandbox (used to signal the shell's processes). */
  exec: (command: string[], options?: ExecOptions) => Promise<ExecResult>;
}

export async function openDockerShell(options: DockerShellOptions): Promise<Shell> {
  const exec = await options.container.exec({
    Cmd: ['/bin/sh', '-c', LAUNCH],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color', 'COLORTERM=truecolor', 'LANG=C.UTF-8'],
    WorkingDir: options.workdir,
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  const shell = new DockerShell(exec, stream, options.exec);
  await shell.started(PID_TIMEOUT_MS);
  shell.resize(options.size);
  return shell;
}

/**
 * Ends the terminal sessions a previous server process left in a sandbox. A shell outlives the
 * server that opened it when that server dies without stopping (kill -9, a crash, the host
 * losing power): nobody can reach it again, since the restarted server opens new shells, yet it
 * and whatever the learner left running in it would go on until the sandbox ends. Every docker
 * exec with a terminal is such a shell: the engine starts it (parent PID 0 in the sandbox) as
 * the leader of its own session on a pty; nothing else in a sandbox runs that way. Ends each
 * session as kill() does (HUP, then KILL) and resolves with how many there were.
 */
export async function endLeftoverShells(exec: DockerShellOptions['exec']): Promise<number> {
  const polls = HANGUP_GRACE_S * 10;
  const script = `sids=$(ps -eo pid=,ppid=,sid=,tty= | awk '$2 == 0 && $1 == $3 && $4 != "?" { print $1 }')
[ -z "$sids" ] && { echo 0; exit 0; }
for s in $sids; do pkill -HUP -s "$s"; done
i=0
while [ $i -lt ${polls} ]; do
  alive=0; for s in $sids; do pgrep -s "$s" >/dev/null && alive=1; done
  [ $alive = 0 ] && break; sleep 0.1; i=$((i+1))
done
for s in $sids; do pkill -KILL -s "$s"; done
echo $sids | wc -w`;
  const result = await exec(['sh', '-c', script], { timeoutMs: 10_000 });
  if (result.exitCode !== 0) throw new Error(`could not end leftover shells: ${result.stderr.trim() || `exit code ${result.exitCode}`}`);
  return Number.parseInt(result.stdout.trim(), 10) || 0;
}

class DockerShell implements Shell {
  private pid: number | undefined;
  private preamble: Buffer = Buffer.alloc(0);
  private readonly dataListeners: Array<(chunk: Buffer) => void> = [];
  private readonly exitListeners: Array<(exit: { code: number | null }) => void> = [];
  private held: Buffer[] = [];
  /** The stream is over; the exit code may not be known yet. */
  private ended = false;
  private exited: { code: number | null } | undefined;
  private pidKnown!: () => void;
  private readonly pidPromise = new Promise<void>((resolve) => (this.pidKnown = resolve));

  constructor(
    private readonly exec: Docker.Exec,
    private readonly stream: Duplex,
    private readonly run: DockerShellOptions['exec'],
  ) {
    stream.on('data', (chunk: Buffer) => this.onChunk(chunk));
    stream.on('error', () => this.finish());
    stream.on('end', () => this.finish());
    stream.on('close', () => this.finish());
  }

  get pendingInput(): number {
    return this.stream.writableLength;
  }

  /** Resolves once the PID is known (or the shell ended first). */
  async started(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The sandbox shell did not start within ${timeoutMs / 1000} s.`)), timeoutMs);
    });
    try {
      await Promise.race([this.pidPromise, timeout]);
    } catch (err) {
      this.stream.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (this.ended && !this.pid) throw new Error('The sandbox shell ended as soon as it started.');
  }

  private onChunk(chunk: Buffer): void {
    if (this.pid === undefined) {
      // Before the PID is known, collect the preamble; output cannot come before it.
      this.preamble = Buffer.concat([this.preamble, chunk]);
      const end = this.preamble.indexOf(0x07);
      if (end < 0) {
        if (this.preamble.length > PID_PREAMBLE_MAX) this.pid = 0; // not our shell: give up on it
        else return;
      } else {
        const text = this.preamble.subarray(0, end).toString('latin1');
        const pid = text.startsWith(PID_MARK) ? Number(text.slice(PID_MARK.length)) : NaN;
        this.pid = Number.isInteger(pid) && pid > 0 ? pid : 0;
        chunk = this.preamble.subarray(this.pid ? end + 1 : 0);
      }
      this.preamble = Buffer.alloc(0);
      this.pidKnown();
      if (chunk.length === 0) return;
    }
    if (this.dataListeners.length === 0) this.held.push(chunk);
    else for (const listener of this.dataListeners) listener(chunk);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
    const held = this.held;
    this.held = [];
    for (const chunk of held) listener(chunk);
  }

  onExit(listener: (exit: { code: number | null }) => void): void {
    if (this.exited) queueMicrotask(() => listener(this.exited!));
    else this.exitListeners.push(listener);
  }

  write(data: Buffer): void {
    if (!this.ended) this.stream.write(data);
  }

  resize({ cols, rows }: ShellSize): void {
    if (this.ended) return;
    // Fails harmlessly when the exec has just ended.
    this.exec.resize({ w: cols, h: rows }).catch(() => undefined);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  async kill(): Promise<void> {
    if (this.ended) return;
    if (this.pid) {
      // bash is the session leader of the exec's terminal: its session ID is its PID. HUP first
      // (bash passes it to its jobs), then KILL whatever ignored it.
      const p = this.pid;
      const polls = HANGUP_GRACE_S * 10;
      const script = `pkill -HUP -s ${p}; i=0; while [ $i -lt ${polls} ] && pgrep -s ${p} >/dev/null; do sleep 0.1; i=$((i+1)); done; pkill -KILL -s ${p}; true`;
      await this.run(['sh', '-c', script], { timeoutMs: 10_000 }).catch(() => undefined);
    }
    this.stream.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.pidKnown();
    // The exit code is known only once the engine has seen the process end.
    void this.exitCode().then((code) => {
      this.exited = { code };
      for (const listener of this.exitListeners.splice(0)) listener(this.exited);
    });
  }

  private async exitCode(): Promise<number | null> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const info = await this.exec.inspect().catch(() => undefined);
      if (!info) return null;
      if (!info.Running) return info.ExitCode ?? null;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }
}
