// <slipway-terminal-tabs>: the learner's terminals as tabs over one sandbox. Tab 1 is the page's
// #terminal; others are made from the element's template when opened ("New terminal", a code
// block that runs in terminal N, or a reload that finds their shells still running) and connect
// to /api/session/terminal?tab=N. Closing a tab ends its shell on the server.
//
// Page API: element.restore()  element.closeOthers()  element.open(n)  element.select(n)
import { MAX_TABS, TAB_PARAM, TERMINAL_TABS_PATH } from '../../contract/terminal-constants.js';
import type { TerminalTabs } from '../../contract/terminal.js';
import type { SlipwayTerminal } from './TerminalElement.js';
import { RUN_EVENT, terminalIdOf, type RunRequest } from './TerminalRun.js';

const OWNER_ENDPOINT = '/api/session/terminal';

class SlipwayTerminalTabs extends HTMLElement {
  private readonly onRun = (event: Event) => this.routeRun((event as CustomEvent<RunRequest>).detail);

  connectedCallback(): void {
    this.querySelector('.tab-new')?.addEventListener('click', () => {
      const free = this.freeTab();
      if (free) this.select(this.open(free));
    });
    this.tabButton(1)?.addEventListener('click', () => this.select(1));
    // Before the terminals' own listeners: a run for a tab not open yet opens it first.
    window.addEventListener(RUN_EVENT, this.onRun, { capture: true });
    this.update();
  }

  disconnectedCallback(): void {
    window.removeEventListener(RUN_EVENT, this.onRun, { capture: true });
  }

  /** Reopens the tabs whose shells still run on the server (after a reload). */
  async restore(): Promise<void> {
    const response = await fetch(TERMINAL_TABS_PATH, { credentials: 'same-origin' }).catch(() => undefined);
    if (!response?.ok) return;
    // Not parsed against the contract's `terminalTabs` (zod stays off the lesson page, its
    // JavaScript budget): the server answers with the tabs of its own hub, numbers it accepted
    // through `tabNumber`. Opening a tab needs a tab number, so anything else is skipped.
    const body = (await response.json().catch(() => undefined)) as Partial<TerminalTabs> | undefined;
    const tabs: unknown[] = Array.isArray(body?.tabs) ? body.tabs : [];
    for (const tab of tabs) if (typeof tab === 'number' && Number.isInteger(tab) && tab > 1 && tab <= MAX_TABS && !this.terminal(tab)) this.open(tab);
  }

  /** Closes every tab but the first in the page (their shells ended with a reset sandbox). */
  closeOthers(): void {
    for (let tab = 2; tab <= MAX_TABS; tab++) this.removeTab(tab);
    this.select(1);
  }

  /** Opens tab `n` (made and connected if it is not open) and returns it. */
  open(n: number): number {
    if (this.terminal(n)) return n;
    const template = this.querySelector<HTMLTemplateElement>('template.tab-template');
    const made = template?.content.firstElementChild?.cloneNode(true) as SlipwayTerminal | undefined;
    if (!made) return 1;
    made.id = terminalIdOf(n);
    made.setAttribute('endpoint', `${OWNER_ENDPOINT}?${TAB_PARAM}=${n}`);
    made.hidden = true;
    this.querySelector('.tab-panels')!.append(made);
    made.connect();
    const label = document.createElement('span');
    label.className = 'tab';
    label.dataset.tab = String(n);
    const select = document.createElement('button');
    select.type = 'button';
    select.setAttribute('role', 'tab');
    select.className = 'tab-select';
    select.setAttribute('aria-controls', made.id);
    select.setAttribute('aria-selected', 'false');
    select.textContent = `Terminal ${n}`;
    select.addEventListener('click', () => this.select(n));
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'tab-close';
    close.textContent = '×';
    close.title = `Close terminal ${n} (its shell and what runs in it end)`;
    close.setAttribute('aria-label', `Close terminal ${n}`);
    close.addEventListener('click', () => void this.close(n));
    label.append(select, close);
    const tabs = [...this.querySelectorAll<HTMLElement>('.tab-strip .tab')];
    const after = tabs.filter((t) => Number(t.dataset.tab) < n).pop();
    after?.after(label);
    this.update();
    return n;
  }

  select(n: number): void {
    for (let tab = 1; tab <= MAX_TABS; tab++) {
      const terminal = this.terminal(tab);
      if (terminal) terminal.hidden = tab !== n;
      this.tabButton(tab)?.setAttribute('aria-selected', String(tab === n));
    }
    this.terminal(n)?.focus();
  }

  /** Ends tab `n`'s shell and removes the tab. */
  async close(n: number): Promise<void> {
    if (n === 1) return;
    this.removeTab(n);
    this.select(1);
    await fetch(`${TERMINAL_TABS_PATH}/${n}`, { method: 'DELETE', credentials: 'same-origin' }).catch(() => undefined);
  }

  private removeTab(n: number): void {
    if (n === 1) return;
    this.terminal(n)?.remove();
    this.querySelector(`.tab-strip .tab[data-tab="${n}"]`)?.remove();
    this.update();
  }

  private terminal(n: number): SlipwayTerminal | null {
    return this.querySelector<SlipwayTerminal>(`.tab-panels > #${terminalIdOf(n)}`);
  }

  private tabButton(n: number): HTMLButtonElement | null {
    return this.querySelector<HTMLButtonElement>(`.tab-strip .tab[data-tab="${n}"] .tab-select`);
  }

  private freeTab(): number | undefined {
    for (let tab = 2; tab <= MAX_TABS; tab++) if (!this.terminal(tab)) return tab;
    return undefined;
  }

  private update(): void {
    const add = this.querySelector<HTMLButtonElement>('.tab-new');
    if (add) add.disabled = this.freeTab() === undefined;
  }

  /** A run for a tab: open it if needed, show it, and type once its shell is there. */
  private routeRun(request: RunRequest | undefined): void {
    if (!request || request.handled) return;
    // No tab named: the tab in view takes it (hidden terminals leave it alone).
    if (!request.terminal) return;
    const match = /^terminal(?:-(\d))?$/.exec(request.terminal);
    if (!match) return;
    const n = Number(match[1] ?? 1);
    if (n < 1 || n > MAX_TABS) return;
    const existing = this.terminal(n);
    this.select(this.open(n));
    if (existing && existing.state === 'connected') return;
    // Opened just now: its shell is not there yet, so the command waits for it.
    request.handled = true;
    const terminal = this.terminal(n)!;
    const typeWhenReady = (event: Event) => {
      if ((event as CustomEvent<{ state: string }>).detail.state !== 'connected') return;
      terminal.removeEventListener('slipway:terminal-state', typeWhenReady);
      terminal.run(request.command, { enter: request.enter });
    };
    terminal.addEventListener('slipway:terminal-state', typeWhenReady);
  }
}

if (!customElements.get('slipway-terminal-tabs')) customElements.define('slipway-terminal-tabs', SlipwayTerminalTabs);

export type { SlipwayTerminalTabs };
