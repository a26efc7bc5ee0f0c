// <slipway-terminal>: the learner's terminal on a page. This module is small on purpose: xterm
// and its addons load only when the element connects, the WebGL renderer and link detection
// after the first screen is up (WebGL falls back to xterm's DOM renderer where it is missing).
//
// Page API:
//   element.connect({ fresh? })  element.stop(message?)  element.run(command, { enter? })  element.screenText()
//   events (bubbling): 'slipway:terminal-state' {state, message, ...}, 'slipway:terminal-exit' {reason, message, code}
//   window 'slipway:run' CustomEvent {command, enter?, terminal?: element id}: types a command.
import type { FitAddon } from '@xterm/addon-fit';
import type { Terminal } from '@xterm/xterm';
import { TerminalConnection, type ExitInfo, type StateDetail } from './TerminalConnection.js';
import { clipboardKeys } from './TerminalKeys.js';
import { RUN_EVENT, type RunRequest } from './TerminalRun.js';
import { THEMES, watchTheme } from './TerminalThemes.js';

const SCREEN_READER_KEY = 'slipway.terminal.screenReader';
/** Larger pastes are refused with a message rather than stalling the shell for minutes. */
const PASTE_LIMIT = 4 * 1024 * 1024;

class SlipwayTerminal extends HTMLElement {
  private term: Terminal | undefined;
  private fit: FitAddon | undefined;
  private connection: TerminalConnection | undefined;
  private cleanups: Array<() => void> = [];
  private loading: Promise<void> | undefined;
  private wantConnect: { fresh?: boolean } | undefined;
  private stopped: string | undefined;
  private retryTicker: ReturnType<typeof setInterval> | undefined;

  get state(): StateDetail['state'] {
    return this.connection?.state ?? 'stopped';
  }

  connectedCallback(): void {
    this.loading ??= this.setUp().catch((err: Error) => {
      this.show({ state: 'unavailable', message: `The terminal could not load: ${err.message}` });
    });
    if (this.hasAttribute('autoconnect')) this.connect();
  }

  disconnectedCallback(): void {
    this.connection?.stop();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.term?.dispose();
    this.term = undefined;
    this.loading = undefined;
  }

  /** Opens the terminal (again). `fresh` starts from a clean screen, e.g. after a reset. */
  connect(options: { fresh?: boolean } = {}): void {
    if (!this.connection) {
      this.wantConnect = options;
      return;
    }
    this.connection.connect(options);
  }

  /** Disconnects; `message` says why on the status line (the page's words: removed, workshop over...). */
  stop(message?: string): void {
    this.wantConnect = undefined;
    // Told before xterm has loaded: said once it has.
    this.stopped = message;
    this.connection?.stop(message);
  }

  /** Types a command into the shell (for "run this" buttons), then focuses the terminal. */
  run(command: string, options: { enter?: boolean } = {}): void {
    const text = command.replace(/\r?\n/g, '\r') + (options.enter === false ? '' : '\r');
    this.connection?.input(text);
    this.term?.focus();
  }

  override focus(): void {
    this.term?.focus();
  }

  /** The text on the screen now, one line per row (for tests and assistive tooling). */
  screenText(): string {
    const term = this.term;
    if (!term) return '';
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < term.rows; row++) lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  private async setUp(): Promise<void> {
    const screen = this.querySelector<HTMLElement>('.terminal-screen')!;
    const [{ Terminal }, { FitAddon }] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
    if (!this.isConnected) return;
    const screenReader = localStorage.getItem(SCREEN_READER_KEY) === 'true' || this.hasAttribute('screen-reader');
    const term = new Terminal({
      fontFamily: "ui-monospace, 'Cascadia Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: Number(this.getAttribute('font-size')) || 14,
      scrollback: 5000,
      cursorBlink: true,
      screenReaderMode: screenReader,
      allowProposedApi: false,
      // Bold text in bright colours reads badly on the light theme.
      drawBoldTextInBrightColors: false,
      macOptionIsMeta: true,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(screen);
    this.term = term;
    this.fit = fit;
    this.cleanups.push(watchTheme(this, (theme) => {
      term.options.theme = THEMES[theme];
      this.dataset.resolvedTheme = theme;
    }));
    this.fitNow();

    const connection = new TerminalConnection(this.getAttribute('endpoint') ?? '/api/session/terminal', {
      size: () => ({ cols: term.cols, rows: term.rows }),
      // Through the write queue, so that output still queued from before is drawn first.
      reset: (modes) => term.write(`\x1bc${modes}`),
      write: (bytes, drawn) => term.write(bytes, drawn),
      follow: (cols, rows) => term.resize(cols, rows),
    });
    this.connection = connection;
    connection.addEventListener('state', (event) => this.show((event as CustomEvent<StateDetail>).detail));
    connection.addEventListener('exit', (event) => {
      const detail = (event as CustomEvent<ExitInfo>).detail;
      this.dispatchEvent(new CustomEvent('slipway:terminal-exit', { detail, bubbles: true }));
    });

    term.onData((data) => {
      if (data.length > PASTE_LIMIT) {
        this.notice(`That paste is ${Math.round(data.length / 1024)} KiB; the terminal takes at most ${PASTE_LIMIT / 1024 / 1024} MiB at once.`);
        return;
      }
      connection.input(data);
    });
    term.onBinary((data) => connection.input(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    term.onResize(({ cols, rows }) => connection.resize(cols, rows));
    term.attachCustomKeyEventHandler(clipboardKeys(term, () => connection.input('\x03')));

    // Follow the container's size (a resizable pane, a phone turned sideways).
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => this.fitNow());
    });
    observer.observe(screen);
    this.cleanups.push(() => observer.disconnect());

    const onRun = (event: Event) => {
      const request = (event as CustomEvent<RunRequest>).detail;
      if (!request || typeof request.command !== 'string' || request.handled) return;
      if (request.terminal && request.terminal !== this.id) return;
      // Of several tabs, the one in view takes a request that names none.
      if (!request.terminal && this.closest('[hidden]')) return;
      request.handled = true;
      this.run(request.command, { enter: request.enter });
    };
    window.addEventListener(RUN_EVENT, onRun);
    this.cleanups.push(() => window.removeEventListener(RUN_EVENT, onRun));

    this.setUpControls(term);
    this.show({ state: 'stopped', message: this.stopped ?? 'Not connected.' });
    if (this.wantConnect) {
      const options = this.wantConnect;
      this.wantConnect = undefined;
      connection.connect(options);
    }
    // The rest is nice to have and loads after the first screen.
    void this.loadExtras(term);
  }

  private async loadExtras(term: Terminal): Promise<void> {
    const [{ WebLinksAddon }, webgl] = await Promise.all([import('@xterm/addon-web-links'), import('@xterm/addon-webgl').catch(() => undefined)]);
    if (term !== this.term) return;
    term.loadAddon(new WebLinksAddon());
    if (!webgl || !hasWebgl2()) {
      this.dataset.renderer = 'dom';
      return;
    }
    try {
      const addon = new webgl.WebglAddon();
      // A lost GPU context (driver reset, too many tabs): back to the DOM renderer.
      addon.onContextLoss(() => {
        addon.dispose();
        this.dataset.renderer = 'dom';
      });
      term.loadAddon(addon);
      this.dataset.renderer = 'webgl';
    } catch {
      this.dataset.renderer = 'dom';
    }
  }

  private setUpControls(term: Terminal): void {
    const retry = this.querySelector<HTMLButtonElement>('.terminal-retry');
    retry?.addEventListener('click', () => this.connection?.connect());
    const reader = this.querySelector<HTMLInputElement>('.terminal-screen-reader');
    if (reader) {
      reader.checked = term.options.screenReaderMode === true;
      reader.addEventListener('change', () => {
        term.options.screenReaderMode = reader.checked;
        localStorage.setItem(SCREEN_READER_KEY, String(reader.checked));
      });
    }
  }

  private fitNow(): void {
    if (!this.fit || !this.term) return;
    // A hidden container has no size; fitting it would shrink the terminal to nothing.
    const dims = this.fit.proposeDimensions();
    if (!dims || !Number.isFinite(dims.cols) || !Number.isFinite(dims.rows) || dims.cols < 2 || dims.rows < 1) return;
    if (this.connection?.mode === 'ro') return; // a read-only view follows the owner's size
    if (dims.cols !== this.term.cols || dims.rows !== this.term.rows) this.fit.fit();
  }

  /** Shows the connection state in the element's status line (and tells the page). */
  private show(detail: StateDetail): void {
    this.dataset.state = detail.state;
    if (detail.mode) this.dataset.mode = detail.mode;
    // Nothing typed into a terminal without a shell goes anywhere: it takes no keys rather than swallowing them.
    if (this.term) this.term.options.disableStdin = detail.mode === 'ro' || detail.state === 'stopped' || detail.state === 'unavailable';
    const label = this.querySelector<HTMLElement>('.terminal-state-text');
    const retry = this.querySelector<HTMLButtonElement>('.terminal-retry');
    clearInterval(this.retryTicker);
    const render = () => {
      let text = detail.message;
      if (detail.state === 'reconnecting' && detail.retryAt) {
        const seconds = Math.max(0, Math.ceil((detail.retryAt - Date.now()) / 1000));
        text = `Connection lost. Reconnecting${seconds > 0 ? ` in ${seconds} s` : '…'}${detail.attempt && detail.attempt > 1 ? ` (attempt ${detail.attempt})` : ''}`;
      }
      if (label) label.textContent = text;
    };
    render();
    if (detail.state === 'reconnecting') this.retryTicker = setInterval(render, 500);
    if (retry) retry.hidden = !['reconnecting', 'offline', 'ended'].includes(detail.state);
    if (retry) retry.textContent = detail.state === 'ended' ? 'New shell' : 'Reconnect now';
    this.dispatchEvent(new CustomEvent('slipway:terminal-state', { detail, bubbles: true }));
  }

  private notice(message: string): void {
    const label = this.querySelector<HTMLElement>('.terminal-state-text');
    if (label) label.textContent = message;
  }
}

function hasWebgl2(): boolean {
  try {
    return !!document.createElement('canvas').getContext('webgl2');
  } catch {
    return false;
  }
}

if (!customElements.get('slipway-terminal')) customElements.define('slipway-terminal', SlipwayTerminal);

export type { SlipwayTerminal };
