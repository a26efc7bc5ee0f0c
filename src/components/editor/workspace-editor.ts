// The editor island's body, loaded on first open (dynamic import, so a lesson page that never
// opens it never downloads CodeMirror): the file tree of ~/workshop, kept fresh by polling while
// the editor is visible, and one file in CodeMirror 6. Saves send the version the text was based
// on; a file changed since gets a question (reload or overwrite) instead of being overwritten.
// When the sandbox ends, the text stays in the page until the learner copies it. The server is
// told which file is open (the path only), for the instructor's read-only view of it.
import { history, historyKeymap, indentWithTab, standardKeymap } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { searchKeymap } from '@codemirror/search';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import {
  BASE_VERSION_HEADER,
  WORKSPACE_ENTRIES_PATH,
  WORKSPACE_FILE_PATH,
  WORKSPACE_OPEN_PATH,
  WORKSPACE_RENAME_PATH,
  WORKSPACE_TREE_PATH,
  type SavedFile,
  type TreeEntry,
  type WorkspaceFile,
  type WorkspaceTree,
} from '../../../contract/workspace-api.js';
import { ApiError, send } from '../../lib/api.js';
import { languageExtension, languageOf } from './languages.js';

/** How often the tree is asked for while the editor is visible: a file made in the terminal shows within a second. */
const TREE_POLL_MS = 700;

export interface OpenRequest {
  path: string;
  /** Text to put in the editor (unsaved) when the file is new or empty. */
  text?: string;
  /** Write `text` to the file at once (after asking, when the file holds something else). */
  write?: boolean;
  /** 1-based line to put the cursor on. */
  line?: number;
}

interface OpenFile {
  path: string;
  version: string | undefined;
  /** The text as last read or saved: the editor is "modified" when it differs. */
  saved: string;
  editable: boolean;
}

/** Colours from the page's own tokens, so both themes follow data-theme without a second theme. */
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword], color: 'var(--cm-keyword)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--cm-string)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--cm-comment)', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--cm-number)' },
  { tag: [tags.propertyName, tags.definition(tags.propertyName), tags.attributeName], color: 'var(--cm-property)' },
  { tag: [tags.variableName, tags.special(tags.variableName)], color: 'var(--cm-variable)' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--cm-function)' },
  { tag: [tags.operator, tags.punctuation, tags.separator], color: 'var(--cm-punctuation)' },
  { tag: tags.meta, color: 'var(--cm-comment)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '0.88rem', backgroundColor: 'var(--panel)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.45' },
  '.cm-gutters': { backgroundColor: 'var(--bg)', color: 'var(--muted)', borderRight: '1px solid var(--line)' },
  '.cm-activeLine': { backgroundColor: 'var(--cm-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--cm-active-line)' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-2px' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--cm-selection) !important' },
  '.cm-panels': { backgroundColor: 'var(--bg)', color: 'var(--fg)' },
  '.cm-panels input, .cm-panels button': { font: 'inherit', fontSize: '0.8rem' },
});

function $(root: HTMLElement, selector: string): HTMLElement {
  return root.querySelector<HTMLElement>(selector)!;
}

export class WorkspaceEditor {
  private readonly view: EditorView;
  private readonly language = new Compartment();
  private readonly readOnly = new Compartment();
  private file: OpenFile | undefined;
  private tree: TreeEntry[] = [];
  private treeSignature = '';
  private readonly collapsed = new Set<string>();
  private poll: number | undefined;
  private ended = false;
  private saving = false;
  /** The folder new files go to: the open file's. */
  private folder = '';
  /** The open file as the server last heard it (undefined: not told yet). */
  private reported: string | null | undefined;

  private readonly treeList: HTMLElement;
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly note: HTMLElement;
  private readonly conflict: HTMLElement;
  private readonly conflictText: HTMLElement;
  private readonly endedBar: HTMLElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly fileButtons: HTMLButtonElement[];
  private readonly newForm: HTMLFormElement;
  private readonly newInput: HTMLInputElement;

  constructor(private readonly root: HTMLElement) {
    this.treeList = $(root, '[data-editor-tree]');
    this.title = $(root, '[data-editor-title]');
    this.status = $(root, '[data-editor-status]');
    this.note = $(root, '[data-editor-note]');
    this.conflict = $(root, '[data-editor-conflict]');
    this.conflictText = $(root, '[data-editor-conflict-text]');
    this.endedBar = $(root, '[data-editor-ended]');
    this.saveButton = $(root, '[data-editor-save]') as HTMLButtonElement;
    this.fileButtons = [this.saveButton, $(root, '[data-editor-rename]') as HTMLButtonElement, $(root, '[data-editor-delete]') as HTMLButtonElement];
    this.newForm = $(root, '[data-editor-new]') as HTMLFormElement;
    this.newInput = this.newForm.querySelector('input')!;

    this.view = new EditorView({
      parent: $(root, '[data-editor-code]'),
      state: this.state('', 'text', false),
    });
    this.view.contentDOM.setAttribute('aria-label', 'File text (Esc then Tab leaves the editor)');

    this.saveButton.addEventListener('click', () => void this.save());
    $(root, '[data-editor-rename]').addEventListener('click', () => void this.rename());
    $(root, '[data-editor-delete]').addEventListener('click', () => void this.remove());
    $(root, '[data-editor-reload]').addEventListener('click', () => void this.reload(true));
    $(root, '[data-editor-overwrite]').addEventListener('click', () => void this.save(true));
    $(root, '[data-editor-copy]').addEventListener('click', () => void this.copyText());
    $(root, '[data-editor-new-button]').addEventListener('click', () => this.showNewForm());
    this.newForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.createFile(this.newInput.value);
    });
    this.newInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.newForm.hidden = true;
    });
    this.treeList.addEventListener('keydown', (event) => this.treeKeys(event));
    document.addEventListener('visibilitychange', () => this.schedulePoll());
    this.updateButtons();
  }

  /** Starts or stops following the tree (the panel was shown or hidden). */
  setVisible(visible: boolean): void {
    this.root.dataset.visible = String(visible);
    this.schedulePoll();
    if (visible) void this.refreshTree();
  }

  /** A new sandbox is there: follow it again; unsaved text stays (a save will ask, its version being another sandbox's). */
  sandboxChanged(): void {
    this.ended = false;
    this.endedBar.hidden = true;
    this.treeSignature = '';
    this.reported = undefined;
    this.report(this.file?.path ?? null);
    this.schedulePoll();
    void this.refreshTree();
  }

  async open(request: OpenRequest): Promise<void> {
    // The file is open already (a hint's link to a line of it): move there, keeping any edits.
    if (this.file?.path === request.path && request.line && request.text === undefined) {
      this.goToLine(request.line);
      this.view.focus();
      return;
    }
    if (this.file && this.file.path !== request.path && this.modified() && !confirm(`${this.file.path} has changes that are not saved. Open ${request.path} anyway and drop them?`)) return;
    let loaded: WorkspaceFile | undefined;
    try {
      loaded = (await send<WorkspaceFile>(`${WORKSPACE_FILE_PATH}?path=${encodeURIComponent(request.path)}`)).body;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'no_such_file') || request.text === undefined) return this.fail(err);
    }
    const existing = loaded?.content ?? '';
    if (request.write && request.text !== undefined) {
      if (loaded && loaded.content !== null && existing.trim() !== '' && existing !== request.text && !confirm(`${request.path} already holds other text. Replace it with the lesson's?`)) {
        this.show(request.path, loaded);
        return;
      }
      this.show(request.path, loaded ?? { path: request.path, content: '', version: '', size: 0, editable: true });
      this.replaceText(request.text);
      await this.save(!loaded);
      return;
    }
    if (loaded) this.show(request.path, loaded);
    else this.show(request.path, { path: request.path, content: '', version: '', size: 0, editable: true }, true);
    // A lesson's text goes in only where there is nothing yet; it is the learner's to save.
    if (request.text !== undefined && existing.trim() === '') this.replaceText(request.text);
    if (request.line) this.goToLine(request.line);
    this.view.focus();
  }

  private state(text: string, path: string, editable: boolean): EditorState {
    return EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        syntaxHighlighting(highlight),
        keymap.of([
          { key: 'Mod-s', preventDefault: true, run: () => (void this.save(), true) },
          // The standard keys (not the default map's extras): the lesson page's JavaScript budget.
          ...standardKeymap,
          ...searchKeymap,
          ...historyKeymap,
          indentWithTab,
        ]),
        this.language.of(languageExtension(languageOf(path))),
        this.readOnly.of([EditorState.readOnly.of(!editable), EditorView.editable.of(editable)]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) this.updateStatus();
        }),
        theme,
      ],
    });
  }

  private show(path: string, loaded: WorkspaceFile, isNew = false): void {
    const editable = loaded.editable;
    this.file = { path, version: isNew ? undefined : loaded.version, saved: loaded.content ?? '', editable };
    this.folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    this.view.setState(this.state(loaded.content ?? '', path, editable));
    this.title.textContent = path;
    this.root.dataset.language = languageOf(path);
    this.note.hidden = !loaded.note;
    this.note.textContent = loaded.note ?? '';
    this.conflict.hidden = true;
    this.updateStatus(isNew ? 'New file: not saved yet' : undefined);
    this.updateButtons();
    this.renderTree();
    this.report(path);
  }

  /** Tells the server which file is open (for the instructor's view); a failure only means it is told next time. */
  private report(path: string | null): void {
    if (this.reported === path) return;
    this.reported = path;
    send(WORKSPACE_OPEN_PATH, 'POST', { path }).catch(() => (this.reported = undefined));
  }

  private replaceText(text: string): void {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }

  private goToLine(line: number): void {
    const doc = this.view.state.doc;
    const at = doc.line(Math.max(1, Math.min(line, doc.lines))).from;
    this.view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
  }

  private modified(): boolean {
    return !!this.file && this.view.state.doc.toString() !== this.file.saved;
  }

  private updateStatus(words?: string): void {
    const modified = this.modified();
    this.root.dataset.modified = String(modified);
    this.status.textContent = words ?? (!this.file ? '' : !this.file.editable ? 'Read-only' : modified ? 'Modified: Ctrl+S saves' : 'Saved');
  }

  private updateButtons(): void {
    for (const button of this.fileButtons) button.disabled = !this.file || this.ended;
    this.saveButton.disabled = !this.file || !this.file.editable;
  }

  /** Saves the text on the version it was based on; `force` overwrites whatever is there. */
  async save(force = false): Promise<void> {
    const file = this.file;
    if (!file || !file.editable || this.saving) return;
    this.saving = true;
    const text = this.view.state.doc.toString();
    this.updateStatus('Saving…');
    try {
      const response = await fetch(`${WORKSPACE_FILE_PATH}?path=${encodeURIComponent(file.path)}`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain; charset=utf-8', [BASE_VERSION_HEADER]: force || file.version === undefined ? '*' : `"${file.version}"` },
        body: text,
      });
      const body = (await response.json().catch(() => ({}))) as SavedFile & { error?: { code: string; message: string } };
      if (!response.ok) throw new ApiError(response.status, body.error?.code ?? 'error', body.error?.message ?? `The server answered ${response.status}.`);
      if (this.file === file) {
        file.version = body.version;
        file.saved = text;
        this.conflict.hidden = true;
        this.updateStatus(this.modified() ? undefined : `Saved at ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`);
      }
      void this.refreshTree();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'file_changed') {
        this.conflictText.textContent = err.message;
        this.conflict.hidden = false;
        this.updateStatus('Not saved: the file changed');
        $(this.root, '[data-editor-reload]').focus();
      } else this.fail(err);
    } finally {
      this.saving = false;
    }
  }

  /**
   * Drops the text in the editor for what the file holds now. Only the learner's own Reload
   * moves the focus: a reload because the file changed on disk happens while they may be typing
   * in the terminal, and must not take their keystrokes.
   */
  private async reload(focus = false): Promise<void> {
    if (!this.file) return;
    try {
      const file = this.file;
      const loaded = (await send<WorkspaceFile>(`${WORKSPACE_FILE_PATH}?path=${encodeURIComponent(file.path)}`)).body;
      // A reload of its own waits for nothing the learner did meanwhile: typing, another file,
      // or a save of this very text (same version) all keep the editor as it is.
      if (!focus && (this.file !== file || this.modified() || this.saving || loaded.version === file.version)) return;
      this.show(file.path, loaded);
      if (focus) this.view.focus();
    } catch (err) {
      this.fail(err);
    }
  }

  private showNewForm(): void {
    this.newForm.hidden = false;
    this.newInput.value = this.folder ? `${this.folder}/` : '';
    this.newInput.focus();
  }

  private async createFile(path: string): Promise<void> {
    const trimmed = path.trim().replace(/\/+$/, '');
    if (!trimmed) return;
    const folder = path.trim().endsWith('/');
    try {
      await send(WORKSPACE_ENTRIES_PATH, 'POST', { path: trimmed, kind: folder ? 'folder' : 'file' });
      this.newForm.hidden = true;
      await this.refreshTree();
      if (!folder) await this.open({ path: trimmed });
    } catch (err) {
      this.fail(err);
    }
  }

  private async rename(): Promise<void> {
    const file = this.file;
    if (!file) return;
    const to = prompt(`Rename ${file.path} to:`, file.path)?.trim();
    if (!to || to === file.path) return;
    try {
      await send(WORKSPACE_RENAME_PATH, 'POST', { from: file.path, to });
      file.path = to;
      this.title.textContent = to;
      this.report(to);
      await this.refreshTree();
    } catch (err) {
      this.fail(err);
    }
  }

  private async remove(): Promise<void> {
    const file = this.file;
    if (!file || !confirm(`Delete ${file.path} from your workspace?`)) return;
    try {
      await send(`${WORKSPACE_ENTRIES_PATH}?path=${encodeURIComponent(file.path)}`, 'DELETE');
      this.file = undefined;
      this.view.setState(this.state('', 'text', false));
      this.title.textContent = 'No file open';
      this.report(null);
      this.note.hidden = true;
      this.updateStatus('');
      this.updateButtons();
      await this.refreshTree();
    } catch (err) {
      this.fail(err);
    }
  }

  private async copyText(): Promise<void> {
    const text = this.view.state.doc.toString();
    try {
      await navigator.clipboard.writeText(text);
      this.status.textContent = 'Copied';
    } catch {
      // Plain http is no secure context: select it all so Ctrl+C copies it.
      this.view.focus();
      this.view.dispatch({ selection: { anchor: 0, head: text.length } });
      this.status.textContent = 'Selected: press Ctrl+C to copy';
    }
  }

  /** A refusal in the status line; a sandbox that ended keeps the text and says so. */
  private fail(err: unknown): void {
    if (err instanceof ApiError && (err.code === 'no_sandbox' || err.code === 'no_session')) {
      this.ended = true;
      this.endedBar.hidden = false;
      this.schedulePoll();
      this.updateButtons();
      this.saveButton.disabled = true;
      this.updateStatus(this.modified() ? 'Not saved: your sandbox has ended' : 'Your sandbox has ended');
      return;
    }
    this.status.textContent = err instanceof Error ? err.message : String(err);
  }

  // --- the tree ------------------------------------------------------------------------------

  private schedulePoll(): void {
    const wanted = this.root.dataset.visible === 'true' && document.visibilityState === 'visible' && !this.ended;
    if (wanted && this.poll === undefined) this.poll = window.setInterval(() => void this.refreshTree(), TREE_POLL_MS);
    if (!wanted && this.poll !== undefined) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  private refreshing = false;

  async refreshTree(): Promise<void> {
    if (this.refreshing || this.ended) return;
    this.refreshing = true;
    try {
      const tree = (await send<WorkspaceTree>(WORKSPACE_TREE_PATH)).body;
      const signature = JSON.stringify(tree.entries);
      if (signature === this.treeSignature) return;
      const sizes = new Map(this.tree.map((e) => [e.path, e.size]));
      this.tree = tree.entries;
      this.treeSignature = signature;
      this.renderTree();
      // The open file changed on disk and holds no edits: show what it holds now.
      const open = this.file && this.tree.find((e) => e.path === this.file!.path);
      if (this.file && open && sizes.has(open.path) && sizes.get(open.path) !== open.size && !this.modified() && !this.saving) void this.reload();
    } catch (err) {
      this.fail(err);
    } finally {
      this.refreshing = false;
    }
  }

  private renderTree(): void {
    const focused = (document.activeElement as HTMLElement | null)?.dataset.path;
    const items: HTMLElement[] = [];
    const hiddenUnder = (path: string) => [...this.collapsed].some((folder) => path.startsWith(`${folder}/`));
    for (const entry of this.tree) {
      if (hiddenUnder(entry.path)) continue;
      const depth = entry.path.split('/').length - 1;
      const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
      const item = document.createElement('li');
      item.setAttribute('role', 'treeitem');
      item.setAttribute('aria-level', String(depth + 1));
      item.dataset.path = entry.path;
      item.dataset.kind = entry.kind;
      item.tabIndex = -1;
      item.style.paddingLeft = `${0.4 + depth * 0.9}rem`;
      if (entry.kind === 'folder') item.setAttribute('aria-expanded', String(!this.collapsed.has(entry.path)));
      if (entry.path === this.file?.path) item.setAttribute('aria-selected', 'true');
      item.textContent = `${entry.kind === 'folder' ? (this.collapsed.has(entry.path) ? '▸ ' : '▾ ') : entry.kind === 'link' ? '↪ ' : ''}${name}`;
      item.title = entry.path;
      item.addEventListener('click', () => this.activate(entry));
      items.push(item);
    }
    if (items.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = 'No files yet';
      items.push(empty);
    }
    this.treeList.replaceChildren(...items);
    const tabbable = items.find((i) => i.dataset.path === focused) ?? items.find((i) => i.getAttribute('aria-selected') === 'true') ?? items[0]!;
    tabbable.tabIndex = 0;
    if (focused && tabbable.dataset.path === focused) tabbable.focus();
  }

  private activate(entry: TreeEntry): void {
    if (entry.kind === 'folder') {
      if (this.collapsed.has(entry.path)) this.collapsed.delete(entry.path);
      else this.collapsed.add(entry.path);
      this.folder = entry.path;
      this.renderTree();
      this.treeList.querySelector<HTMLElement>(`[data-path="${CSS.escape(entry.path)}"]`)?.focus();
      return;
    }
    void this.open({ path: entry.path });
  }

  /** Arrows move, Enter or Space opens, Left and Right fold folders: a tree as screen readers expect it. */
  private treeKeys(event: KeyboardEvent): void {
    const items = [...this.treeList.querySelectorAll<HTMLElement>('[role="treeitem"]')];
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    const entry = this.tree.find((e) => e.path === items[index]!.dataset.path);
    const move = (to: number) => {
      const target = items[Math.max(0, Math.min(items.length - 1, to))]!;
      for (const item of items) item.tabIndex = -1;
      target.tabIndex = 0;
      target.focus();
    };
    switch (event.key) {
      case 'ArrowDown': move(index + 1); break;
      case 'ArrowUp': move(index - 1); break;
      case 'Home': move(0); break;
      case 'End': move(items.length - 1); break;
      case 'Enter':
      case ' ':
        if (entry) this.activate(entry);
        break;
      case 'ArrowRight':
        if (entry?.kind === 'folder' && this.collapsed.has(entry.path)) this.activate(entry);
        else move(index + 1);
        break;
      case 'ArrowLeft':
        if (entry?.kind === 'folder' && !this.collapsed.has(entry.path)) this.activate(entry);
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}
