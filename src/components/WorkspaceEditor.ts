// The editor panel's loader, small on purpose: it shows and hides the panel and loads the editor
// itself (CodeMirror, editor/workspace-editor.ts) only when it is first opened. Code blocks ask
// for a file with openInEditor(); requests made before the editor is loaded wait for it.
import type { OpenRequest, WorkspaceEditor } from './editor/workspace-editor.js';
import { REFRESH_EVENT } from './SandboxPanel.js';

export type { OpenRequest };

/** Opens a file in the editor (detail: OpenRequest). */
export const EDITOR_OPEN_EVENT = 'slipway:editor-open';
const REMEMBER = 'slipway-editor-open';

export function openInEditor(request: OpenRequest): void {
  window.dispatchEvent(new CustomEvent<OpenRequest>(EDITOR_OPEN_EVENT, { detail: request }));
}

export function setupWorkspaceEditor(root: HTMLElement): void {
  const tools = root.closest<HTMLElement>('.lesson-tools') ?? document.body;
  const panel = root.querySelector<HTMLElement>('[data-editor-panel]')!;
  const editorTab = root.querySelector<HTMLButtonElement>('[data-view-editor]')!;
  const terminalTab = root.querySelector<HTMLButtonElement>('[data-view-terminal]')!;
  const narrow = window.matchMedia('(max-width: 960px)');
  let editor: Promise<WorkspaceEditor> | undefined;
  let open = false;

  const load = (): Promise<WorkspaceEditor> =>
    (editor ??= import('./editor/workspace-editor.js').then((module) => new module.WorkspaceEditor(panel)));

  /** Desktop: the editor above the terminal, both in view. Narrow: one or the other, as tabs. */
  const show = (view: 'terminal' | 'editor') => {
    open = view === 'editor';
    panel.hidden = !open;
    tools.dataset.view = open ? (narrow.matches ? 'editor' : 'both') : 'terminal';
    editorTab.setAttribute('aria-pressed', String(open));
    editorTab.setAttribute('aria-selected', String(open));
    terminalTab.setAttribute('aria-selected', String(!open));
    try {
      if (open) localStorage.setItem(REMEMBER, '1');
      else localStorage.removeItem(REMEMBER);
    } catch {
      // Storage may be off; the panel just does not reopen by itself.
    }
    if (open) void load().then((e) => e.setVisible(true));
    else if (editor) void editor.then((e) => e.setVisible(false));
  };

  editorTab.addEventListener('click', () => show(open && !narrow.matches ? 'terminal' : 'editor'));
  terminalTab.addEventListener('click', () => show('terminal'));
  narrow.addEventListener('change', () => show(open ? 'editor' : 'terminal'));
  window.addEventListener(EDITOR_OPEN_EVENT, (event) => {
    const request = (event as CustomEvent<OpenRequest>).detail;
    show('editor');
    void load().then((e) => e.open(request));
  });
  window.addEventListener(REFRESH_EVENT, () => {
    if (editor) void editor.then((e) => e.sandboxChanged());
  });
  let remembered = false;
  try {
    remembered = localStorage.getItem(REMEMBER) === '1';
  } catch {
    remembered = false;
  }
  show(remembered ? 'editor' : 'terminal');
}
