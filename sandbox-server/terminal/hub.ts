// All open terminals, up to MAX_TABS per sandbox (the page's tabs), each its own shell with its
// own replay buffer, grace period and flow control: attaching the first viewer of a tab opens
// its shell (unless tab 1 was opened ahead, for a pooled sandbox), later viewers share it; a
// terminal whose shell ended is forgotten and the next attach opens a new one. The tab typed in
// last is the one in use: while it is (a few seconds after its last input), the sandbox's other
// tabs are read at a background rate (output-pace.ts), so a flood in one does not slow another.
import { MAX_TABS, type HelloMessage, type ViewerMode } from '../../contract/terminal.js';
import type { Logger } from '../log.js';
import type { PromptEvent } from '../feed/prompts.js';
import type { Shell, ShellSize } from '../sandboxes/driver.js';
import { DEFAULT_PACING, type PacingOptions } from './output-pace.js';
import { Terminal, type TerminalOptions } from './terminal.js';
import type { Viewer, ViewerSink } from './viewer.js';

export interface HubHooks {
  /** A command finished in a sandbox's shell. */
  onPrompt(event: PromptEvent): void;
  /** The learner used the sandbox's terminal (keeps it from expiring as idle). Throttled. */
  onActivity(sandboxId: string): void;
  /** Why a sandbox ended, when it has; null while it is alive. */
  sandboxEnded(sandboxId: string): string | null;
  /** A shell ended by itself: find out whether its sandbox died with it. */
  checkSandbox?(sandboxId: string, shellExitCode: number | null): Promise<void>;
}

export const DEFAULT_TERMINAL_OPTIONS: Omit<TerminalOptions, 'graceMs'> = {
  replayBytes: 512 * 1024,
  // VS Code's figures (in characters there, bytes here).
  highWatermark: 100_000,
  lowWatermark: 5_000,
};

/** Size of a shell opened before its viewer; the first read-write viewer resizes it. */
const PREOPEN_SIZE: ShellSize = { cols: 80, rows: 24 };

/** At most one activity report per terminal in this long. */
const ACTIVITY_THROTTLE_MS = 10_000;

const keyOf = (sandboxId: string, tab: number) => `${sandboxId}#${tab}`;

export interface Attachment {
  terminal: Terminal;
  viewer: Viewer;
}

export class TerminalHub {
  private readonly terminals = new Map<string, Terminal>();
  private readonly opening = new Map<string, Promise<Terminal>>();
  /** When each open tab last got input (performance.now()), by sandbox, then tab. */
  private readonly lastInput = new Map<string, Map<number, number>>();
  private stopped = false;

  constructor(
    private readonly openShell: (sandboxId: string, size: ShellSize) => Promise<Shell>,
    private readonly options: TerminalOptions,
    private readonly hooks: HubHooks,
    private readonly log: Logger,
    private readonly pacing: PacingOptions = DEFAULT_PACING,
  ) {}

  /** The sandbox's terminal of that tab, opened on first use, with `sink` attached as a viewer. */
  async attach(sandboxId: string, tab: number, mode: ViewerMode, sink: ViewerSink, hello: Pick<HelloMessage, 'cols' | 'rows' | 'resume'>): Promise<Attachment> {
    if (this.stopped) throw new Error('The server is stopping.');
    if (!Number.isInteger(tab) || tab < 1 || tab > MAX_TABS) throw new Error(`No terminal ${tab}: a sandbox has terminals 1 to ${MAX_TABS}.`);
    const terminal = await this.terminalFor(sandboxId, tab, { cols: hello.cols, rows: hello.rows });
    return { terminal, viewer: terminal.attach(sink, mode, hello) };
  }

  /**
   * Opens the sandbox's shell before anyone attaches (a pooled sandbox), so that a learner who
   * gets it finds a prompt waiting instead of a shell starting on a busy machine.
   */
  async preopen(sandboxId: string, size: ShellSize = PREOPEN_SIZE): Promise<void> {
    if (this.stopped) return;
    await this.terminalFor(sandboxId, 1, size, true);
  }

  get(sandboxId: string, tab = 1): Terminal | undefined {
    return this.terminals.get(keyOf(sandboxId, tab));
  }

  /** The sandbox's tabs whose shells are open now, in order. */
  tabs(sandboxId: string): number[] {
    return [...this.terminals.values()].filter((t) => t.sandboxId === sandboxId && !t.isEnded).map((t) => t.tab).sort((a, b) => a - b);
  }

  /** Ends one tab's shell (the learner closed the tab). Resolves once it is gone; false when none was open. */
  async close(sandboxId: string, tab: number): Promise<boolean> {
    const terminal = this.get(sandboxId, tab);
    if (!terminal || terminal.isEnded) return false;
    await terminal.kill('exited');
    return true;
  }

  /** Open terminals and their flow-control state, for tests, metrics and diagnosis. */
  stats(): Array<{ sandboxId: string; tab: number } & ReturnType<Terminal['stats']>> {
    return [...this.terminals.values()].map((terminal) => ({ sandboxId: terminal.sandboxId, tab: terminal.tab, ...terminal.stats() }));
  }

  /** Ends every shell: a docker exec would otherwise outlive the server in its sandbox. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.opening.values()]);
    await Promise.allSettled([...this.terminals.values()].map((terminal) => terminal.kill('server_stopping')));
  }

  /**
   * The rate a tab's output may be read at: the background rate while another tab of its
   * sandbox got input more recently, and within the last `foregroundMs`; otherwise no limit.
   */
  private outputRate(sandboxId: string, tab: number): number {
    const tabs = this.lastInput.get(sandboxId);
    if (!tabs) return Infinity;
    const mine = tabs.get(tab) ?? -Infinity;
    const since = performance.now() - this.pacing.foregroundMs;
    for (const [other, at] of tabs) {
      if (other !== tab && at > mine && at > since) return this.pacing.backgroundBytesPerSecond;
    }
    return Infinity;
  }

  private noteInput(sandboxId: string, tab: number): void {
    let tabs = this.lastInput.get(sandboxId);
    if (!tabs) this.lastInput.set(sandboxId, (tabs = new Map()));
    tabs.set(tab, performance.now());
  }

  private forgetInput(sandboxId: string, tab: number): void {
    const tabs = this.lastInput.get(sandboxId);
    tabs?.delete(tab);
    if (tabs?.size === 0) this.lastInput.delete(sandboxId);
  }

  /** A failing listener elsewhere must never break the terminal's output path. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, `terminal ${what} failed`);
    }
  }

  private async terminalFor(sandboxId: string, tab: number, size: ShellSize, ahead = false): Promise<Terminal> {
    const key = keyOf(sandboxId, tab);
    const open = this.terminals.get(key);
    if (open && !open.isEnded) return open;
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.open(sandboxId, tab, size, ahead);
      this.opening.set(key, opening);
      void opening.finally(() => this.opening.delete(key)).catch(() => undefined);
    }
    return opening;
  }

  private async open(sandboxId: string, tab: number, size: ShellSize, ahead: boolean): Promise<Terminal> {
    const key = keyOf(sandboxId, tab);
    const shell = await this.openShell(sandboxId, size);
    if (this.stopped) {
      await shell.kill();
      throw new Error('The server is stopping.');
    }
    let lastActivity = 0;
    const terminal: Terminal = new Terminal(sandboxId, tab, shell, size, { ...this.options, awaitFirstViewer: ahead }, {
      onPrompt: ({ command, exitCode }) => {
        this.guard('prompt listener', () => this.hooks.onPrompt({ sandboxId, command, exitCode, at: Date.now() }));
        lastActivity = Date.now();
        this.guard('activity hook', () => this.hooks.onActivity(sandboxId));
      },
      onInput: () => {
        this.noteInput(sandboxId, tab);
        const now = Date.now();
        if (now - lastActivity < ACTIVITY_THROTTLE_MS) return;
        lastActivity = now;
        this.guard('activity hook', () => this.hooks.onActivity(sandboxId));
      },
      onEnd: () => {
        if (this.terminals.get(key) === terminal) {
          this.terminals.delete(key);
          this.forgetInput(sandboxId, tab);
        }
        this.log.info({ sandbox: sandboxId, tab, terminal: terminal.id }, 'terminal ended');
      },
      sandboxEnded: () => this.hooks.sandboxEnded(sandboxId),
      settle: this.hooks.checkSandbox && ((code) => this.hooks.checkSandbox!(sandboxId, code)),
      outputRate: () => this.outputRate(sandboxId, tab),
    });
    this.terminals.set(key, terminal);
    this.log.info({ sandbox: sandboxId, tab, terminal: terminal.id }, 'terminal opened');
    return terminal;
  }
}
