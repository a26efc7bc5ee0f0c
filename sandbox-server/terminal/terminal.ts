// One sandbox terminal: a shell, the replay buffer of its output, and the viewers attached to
// it. It outlives its viewers by a grace period, so a reload or a Wi-Fi blip loses nothing.
//
// Flow control: every viewer acknowledges the output it has put on its screen. A viewer is
// never sent more than `highWatermark` unacknowledged bytes. The shell's output is paused when
// even the most caught-up read-write viewer is more than `highWatermark` behind, and resumed
// once it is within `lowWatermark`; a program flooding the terminal then blocks on its writes,
// as it would on a slow real terminal, and the server holds at most the replay buffer plus one
// window per viewer. Read-only viewers never slow the learner down: one that falls behind the
// replay buffer is disconnected and resyncs on reconnect. A tab in the background of its
// sandbox is also paced (output-pace.ts): a flood there must not take the cores from the tab
// the learner types in.
import crypto from 'node:crypto';
import { CLOSE, PROTOCOL_VERSION, LIMITS, type ExitReason, type HelloMessage, type ViewerMode } from '../../contract/terminal.js';
import { formatDuration } from '../config/units.js';
import type { Shell, ShellSize } from '../sandboxes/driver.js';
import { IntegrationParser } from './integration.js';
import { TerminalModes } from './modes.js';
import { OutputPacer } from './output-pace.js';
import { ProtocolError } from './protocol.js';
import { ReplayBuffer } from './replay-buffer.js';
import { Viewer, type ViewerSink } from './viewer.js';

export interface TerminalOptions {
  /** Output kept for viewers that (re)connect. */
  replayBytes: number;
  highWatermark: number;
  lowWatermark: number;
  /** How long the shell lives on with no viewer attached. */
  graceMs: number;
  /**
   * Opened ahead of its learner (a pooled sandbox): the grace period starts only once a first
   * viewer has come and gone, so a shell waiting for its learner is never closed as abandoned.
   */
  awaitFirstViewer?: boolean;
}

export interface TerminalHooks {
  /** The shell integration reported a finished command. */
  onPrompt(prompt: { command: string; exitCode: number }): void;
  /** The learner typed something. */
  onInput(): void;
  /** The terminal is over; its shell has ended. */
  onEnd(): void;
  /** Why the sandbox ended, when it has; null while it is alive. */
  sandboxEnded(): string | null;
  /**
   * Called when the shell ended by itself, before the viewers are told why: a chance to notice
   * that the sandbox died with it, so they are told that rather than "the shell exited".
   */
  settle?(exitCode: number | null): Promise<void>;
  /** Bytes per second the shell's output may be read at now; Infinity (or absent): no limit. */
  outputRate?(): number;
}

/** Largest binary frame sent to a viewer. */
const MAX_FRAME = 64 * 1024;
/** How long bytes that might start an integration sequence are held back at most. */
const HOLD_MS = 20;

export class Terminal {
  readonly id = `t-${crypto.randomBytes(6).toString('base64url')}`;
  private readonly viewers = new Set<Viewer>();
  private readonly replay: ReplayBuffer;
  private readonly modes = new TerminalModes();
  private readonly integration: IntegrationParser;
  private readonly pacer: OutputPacer;
  /** The shell's stream is paused: for flow control, pacing, or both. */
  private paused = false;
  private flowPaused = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private ended = false;
  /**
   * Its shell is being ended (the grace ran out, the tab was closed): ending takes a command in
   * the sandbox, which may take a while on a busy machine, and a viewer arriving meanwhile must
   * get a new shell rather than this one's exit.
   */
  private ending = false;
  private endReason: ExitReason | undefined;

  constructor(
    readonly sandboxId: string,
    /** Which of the sandbox's terminals (tabs) this is. */
    readonly tab: number,
    private readonly shell: Shell,
    private size: ShellSize,
    private readonly options: TerminalOptions,
    private readonly hooks: TerminalHooks,
  ) {
    if (options.lowWatermark >= options.highWatermark) throw new Error('The low watermark must be below the high watermark.');
    this.replay = new ReplayBuffer(Math.max(options.replayBytes, options.highWatermark + MAX_FRAME));
    this.integration = new IntegrationParser((payload) => this.onSignal(payload));
    this.pacer = new OutputPacer(() => hooks.outputRate?.() ?? Infinity, () => this.updateFlow());
    shell.onData((chunk) => this.onOutput(chunk));
    shell.onExit((exit) => this.onShellExit(exit.code));
    if (!options.awaitFirstViewer) this.startGrace();
  }

  /** The shell has ended or is being ended: no viewer may attach any more. */
  get isEnded(): boolean {
    return this.ended || this.ending;
  }

  /** Adds a viewer: sends it the hello, then the replay it needs, then live output. */
  attach(sink: ViewerSink, mode: ViewerMode, hello: Pick<HelloMessage, 'cols' | 'rows' | 'resume'>): Viewer {
    if (this.isEnded) throw new Error('This terminal has ended.');
    const viewer = new Viewer(mode, sink);
    const { resume } = hello;
    const resumable = resume !== undefined && resume.terminal === this.id && resume.seq >= this.replay.start && resume.seq <= this.replay.head;
    // A replay that lost its beginning starts on a line boundary, in the modes of that moment.
    const from = resumable ? resume.seq : this.replay.start === 0 ? 0 : this.replay.lineStart(this.replay.start);
    viewer.sent = viewer.acked = from;
    if (mode === 'rw') this.resizeShell({ cols: hello.cols, rows: hello.rows }, viewer);
    sink.sendControl({
      type: 'hello',
      version: PROTOCOL_VERSION,
      terminal: this.id,
      sandboxId: this.sandboxId,
      tab: this.tab,
      mode,
      seq: from,
      reset: !resumable,
      modes: !resumable && from > 0 ? this.modes.preambleAt(from) : '',
      cols: this.size.cols,
      rows: this.size.rows,
    });
    this.viewers.add(viewer);
    clearTimeout(this.graceTimer);
    this.pump(viewer);
    this.updateFlow();
    // A full-screen program (vim, top) whose first drawing is no longer in the buffer redraws
    // on a size change; nudge it so the restored screen is complete.
    if (!resumable && from > 0 && mode === 'rw' && this.modes.alternateScreen) this.nudgeRedraw();
    return viewer;
  }

  detach(viewer: Viewer): void {
    if (!this.viewers.delete(viewer)) return;
    this.updateFlow();
    if (this.viewers.size === 0) this.startGrace();
  }

  input(viewer: Viewer, data: Buffer): void {
    if (viewer.mode !== 'rw') throw new ProtocolError('read_only', 'This is a read-only view of the terminal; input is ignored.');
    if (this.shell.pendingInput > LIMITS.pendingInputBytes) {
      throw new ProtocolError('input_busy', 'The shell is not reading its input fast enough; this input was dropped. Try a smaller paste.');
    }
    this.shell.write(data);
    this.hooks.onInput();
    // Typed into, this tab is the one in use: its output is read at full speed again.
    this.pacer.release();
  }

  resize(viewer: Viewer, size: ShellSize): void {
    if (viewer.mode !== 'rw') throw new ProtocolError('read_only', 'A read-only viewer cannot resize the terminal.');
    this.resizeShell(size, viewer);
  }

  ack(viewer: Viewer, seq: number): void {
    if (seq < viewer.acked || seq > viewer.sent) {
      throw new ProtocolError('out_of_order', `ack ${seq} is outside the unacknowledged range ${viewer.acked}..${viewer.sent}.`);
    }
    viewer.acked = seq;
    this.pump(viewer);
    this.updateFlow();
  }

  /** Ends the shell (and its processes). The viewers get an exit frame. */
  async kill(reason: ExitReason): Promise<void> {
    if (this.ended) return;
    this.ending = true;
    this.endReason ??= reason;
    clearTimeout(this.graceTimer);
    await this.shell.kill();
  }

  stats(): { viewers: number; paused: boolean; paced: boolean; replayBytes: number; maxUnacked: number; head: number } {
    let maxUnacked = 0;
    for (const viewer of this.viewers) maxUnacked = Math.max(maxUnacked, viewer.unacked);
    return { viewers: this.viewers.size, paused: this.flowPaused, paced: this.pacer.pausing, replayBytes: this.replay.allocated, maxUnacked, head: this.replay.head };
  }

  private onOutput(chunk: Buffer): void {
    for (const piece of this.integration.push(chunk)) this.publish(piece);
    clearTimeout(this.holdTimer);
    if (this.integration.holding) {
      this.holdTimer = setTimeout(() => {
        const held = this.integration.flush();
        if (held) this.publish(held);
        this.updateFlow();
      }, HOLD_MS);
    }
    this.pacer.read(chunk.length);
    this.updateFlow();
  }

  private publish(piece: Buffer): void {
    const seq = this.replay.head;
    this.modes.scan(piece, seq);
    this.replay.append(piece);
    this.modes.forget(this.replay.start);
    for (const viewer of this.viewers) this.pump(viewer, piece, seq);
  }

  /** Sends a viewer what it has not seen yet, as far as its window allows. */
  private pump(viewer: Viewer, fresh?: Buffer, freshSeq?: number, ignoreWindow = false): void {
    if (viewer.sent < this.replay.start) {
      this.viewers.delete(viewer);
      viewer.sink.close(CLOSE.behind, 'fell behind; reconnect to resync');
      if (this.viewers.size === 0) this.startGrace();
      return;
    }
    while (viewer.sent < this.replay.head) {
      const room = ignoreWindow ? Infinity : this.options.highWatermark - viewer.unacked;
      if (room <= 0) return;
      const end = Math.min(this.replay.head, viewer.sent + room, viewer.sent + MAX_FRAME);
      // Live output to a caught-up viewer goes out as is; everything else is copied out of the
      // ring, which later output overwrites.
      const bytes = fresh && viewer.sent === freshSeq && end === freshSeq + fresh.length ? fresh : this.replay.slice(viewer.sent, end);
      viewer.sent = end;
      viewer.sink.sendBytes(bytes);
    }
  }

  private updateFlow(): void {
    if (this.ended) return;
    let backlog = -1;
    for (const viewer of this.viewers) {
      if (viewer.mode !== 'rw') continue;
      const behind = this.replay.head - viewer.acked;
      backlog = backlog < 0 ? behind : Math.min(backlog, behind);
    }
    // Without a read-write viewer the shell's work goes on (a build finishes during a reload);
    // the replay buffer keeps the latest output.
    this.flowPaused = backlog < 0 ? false : this.flowPaused ? backlog > this.options.lowWatermark : backlog > this.options.highWatermark;
    const wantPaused = this.flowPaused || this.pacer.pausing;
    if (wantPaused === this.paused) return;
    this.paused = wantPaused;
    if (wantPaused) this.shell.pause();
    else this.shell.resume();
  }

  private resizeShell(size: ShellSize, from: Viewer): void {
    if (size.cols === this.size.cols && size.rows === this.size.rows) return;
    this.size = { cols: size.cols, rows: size.rows };
    this.shell.resize(this.size);
    for (const viewer of this.viewers) if (viewer !== from) viewer.sink.sendControl({ type: 'size', ...this.size });
  }

  private nudgeRedraw(): void {
    const { cols, rows } = this.size;
    this.shell.resize({ cols, rows: Math.max(1, rows - 1) });
    setTimeout(() => this.ended || this.shell.resize({ cols, rows }), 50).unref();
  }

  private onSignal(payload: string): void {
    const [kind, code, command] = payload.split(';');
    if (kind !== 'prompt' || code === undefined || command === undefined) return;
    const exitCode = Number.parseInt(code, 10);
    if (!Number.isInteger(exitCode)) return;
    this.hooks.onPrompt({ command: Buffer.from(command, 'base64').toString('utf8'), exitCode });
  }

  private startGrace(): void {
    clearTimeout(this.graceTimer);
    if (this.ended) return;
    this.graceTimer = setTimeout(() => void this.kill('expired'), this.options.graceMs);
    this.graceTimer.unref();
  }

  private onShellExit(code: number | null): void {
    if (this.ended) return;
    const held = this.integration.flush();
    if (held) this.publish(held);
    this.ended = true;
    clearTimeout(this.graceTimer);
    clearTimeout(this.holdTimer);
    this.pacer.stop();
    this.hooks.onEnd();
    const settled = this.endReason || !this.hooks.settle ? Promise.resolve() : this.hooks.settle(code);
    void settled.catch(() => undefined).then(() => this.tellEnd(code));
  }

  private tellEnd(code: number | null): void {
    let sandboxEnded: string | null = null;
    try {
      sandboxEnded = this.hooks.sandboxEnded();
    } catch {
      // The server is stopping (its store closed): the viewers still get their exit frame.
    }
    const reason: ExitReason = this.endReason ?? (sandboxEnded ? 'sandbox_ended' : 'exited');
    const message =
      reason === 'expired' ? `Nobody was connected for ${formatDuration(this.options.graceMs)}, so the shell was closed.`
      : reason === 'server_stopping' ? 'The server is stopping; the shell was closed.'
      : reason === 'sandbox_ended' ? (sandboxEnded ?? 'The sandbox ended.')
      : `The shell exited${code === null ? '' : ` with code ${code}`}.`;
    for (const viewer of this.viewers) {
      // The last words of the shell (up to the replay buffer) reach every viewer before the exit.
      this.pump(viewer, undefined, undefined, true);
      viewer.sink.sendControl({ type: 'exit', code, reason, message });
      viewer.sink.close(CLOSE.exit, reason);
    }
    this.viewers.clear();
  }
}
