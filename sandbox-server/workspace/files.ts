// The learner's workspace as the editor sees it: the tree, one file read or written, entries
// created, renamed and deleted. Bytes travel as tar streams through the driver (copyIn,
// copyOut) or, for a save, on a command's standard input (save.ts); the commands run (realpath,
// find, mv, rm, the save script) get the learner's path as an argument of their own, never
// inside a shell line. Paths are checked twice: by the pure rules (paths.ts)
// and, in the sandbox, by resolving symbolic links with realpath, so a link leading out is refused.
import {
  MAX_EDITABLE_BYTES,
  MAX_TREE_DEPTH,
  MAX_TREE_ENTRIES,
  PREVIEW_BYTES,
  type EntryKind,
  type SavedFile,
  type TreeEntry,
  type WorkspaceFile,
  type WorkspaceTree,
} from '../../contract/workspace-api.js';
import type { PromptChannel } from '../feed/prompts.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import { packEntry, readFirstEntry, type ArchivedEntry } from './archive.js';
import { isBinary, sizeInWords, versionOf, versionOfLarge } from './content.js';
import { WorkspaceError } from './errors.js';
import { WORKSPACE_NAME, checkPath, isInside, nameOf, parentOf, quote } from './paths.js';
import { SAVE_SCRIPT, expectedVersion, saveRefusal } from './save.js';

const EXEC_TIMEOUT_MS = 5000;
/** A save's base version that overwrites whatever is there. */
export const ANY_VERSION = '*';

export interface WorkspaceDeps {
  driver: SandboxDriver;
  prompts: PromptChannel;
}

/** Where a checked path lies in the sandbox. */
interface Resolved {
  /** The workspace, symbolic links resolved. */
  root: string;
  /** The entry itself, absolute. */
  target: string;
  /** `target` relative to `root`. */
  relative: string;
}

const ENDED = 'Your sandbox has ended, so its files cannot be read or saved. Your unsaved text stays in the editor: copy it, then start a fresh sandbox.';

export class WorkspaceFiles {
  constructor(private readonly deps: WorkspaceDeps) {}

  /** The workspace's entries, folders first at each level, each level by name. */
  async tree(sandboxId: string): Promise<WorkspaceTree> {
    const root = this.deps.driver.workspaceOf(sandboxId);
    // -H: the workspace itself may be a link; nothing under it is followed. NUL-separated, so
    // any name survives; .git is left out (thousands of entries nobody edits here).
    const result = await this.exec(sandboxId, ['find', '-H', root, '-mindepth', '1', '-maxdepth', String(MAX_TREE_DEPTH), '-name', '.git', '-prune', '-o', '-printf', '%y\\t%s\\t%P\\0'], 1024 * 1024);
    if (result.exitCode !== 0 && !result.stdout) throw new WorkspaceError('no_such_file', `Your workspace (${WORKSPACE_NAME}) cannot be listed: ${result.stderr.trim().slice(0, 200) || `find exited with ${result.exitCode}`}.`);
    const records = result.stdout.split('\0').filter(Boolean);
    const entries: TreeEntry[] = [];
    for (const record of records.slice(0, MAX_TREE_ENTRIES)) {
      const [type, size, ...rest] = record.split('\t');
      const path = rest.join('\t');
      if (!path) continue;
      const kind: EntryKind = type === 'f' ? 'file' : type === 'd' ? 'folder' : type === 'l' ? 'link' : 'other';
      entries.push({ path, kind, size: kind === 'file' ? Number(size) || 0 : 0 });
    }
    return { root: WORKSPACE_NAME, entries: sortTree(entries), truncated: records.length > MAX_TREE_ENTRIES || result.truncated };
  }

  async read(sandboxId: string, input: string): Promise<WorkspaceFile> {
    const path = checkPath(input);
    const { entry } = await this.resolveAndFetch(sandboxId, path);
    if (!entry) throw new WorkspaceError('no_such_file', `There is no file ${quote(path)} in your workspace (${WORKSPACE_NAME}).`);
    if (entry.type === 'directory') throw new WorkspaceError('is_folder', `${quote(path)} is a folder: pick a file in it.`);
    if (entry.type !== 'file') throw new WorkspaceError('not_editable', `${quote(path)} is not a regular file (a device, a pipe or a socket): it cannot be opened here.`);
    if (entry.size > MAX_EDITABLE_BYTES) {
      const shown = entry.bytes.subarray(0, PREVIEW_BYTES);
      const binary = isBinary(shown, false);
      return {
        path,
        content: binary ? null : shown.toString('utf8'),
        version: versionOfLarge(entry.size, entry.mtime),
        size: entry.size,
        editable: false,
        note: `This file is ${sizeInWords(entry.size)}: files over ${sizeInWords(MAX_EDITABLE_BYTES)} open read-only${binary ? '' : `, and only the first ${sizeInWords(PREVIEW_BYTES)} are shown`}. Use the terminal for it.`,
      };
    }
    if (isBinary(entry.bytes, true)) {
      return { path, content: null, version: versionOf(entry.bytes), size: entry.size, editable: false, note: `This is a binary file (${sizeInWords(entry.size)}), not text: it opens read-only and is not shown. Use the terminal for it.` };
    }
    return { path, content: entry.bytes.toString('utf8'), version: versionOf(entry.bytes), size: entry.size, editable: true };
  }

  /**
   * Writes a file if it is still the version the text was based on (ANY_VERSION: whatever it
   * is, or a new file); else refuses with file_changed, so the page asks "reload or overwrite".
   */
  async write(sandboxId: string, input: string, content: Buffer, baseVersion: string): Promise<SavedFile> {
    const path = checkPath(input);
    if (content.length > MAX_EDITABLE_BYTES) throw new WorkspaceError('too_large', `The text is ${sizeInWords(content.length)}: files over ${sizeInWords(MAX_EDITABLE_BYTES)} cannot be saved from the editor.`);
    const workspace = this.deps.driver.workspaceOf(sandboxId);
    const result = await this.exec(sandboxId, ['bash', '-c', SAVE_SCRIPT, 'slipway-save', workspace, path, expectedVersion(baseVersion), String(MAX_EDITABLE_BYTES)], 64 * 1024, content);
    if (result.timedOut) throw new Error(`workspace ${path}: saving took over ${EXEC_TIMEOUT_MS / 1000} s`);
    const refusal = saveRefusal(path, result);
    if (refusal) throw refusal;
    this.deps.prompts.emit('saved', { sandboxId, path, at: Date.now() });
    return { path, version: versionOf(content), size: content.length };
  }

  async create(sandboxId: string, input: string, kind: 'file' | 'folder'): Promise<{ path: string }> {
    const path = checkPath(input);
    const place = await this.resolve(sandboxId, path, false);
    if (await this.exists(sandboxId, place.target)) throw new WorkspaceError('file_exists', `${quote(path)} already exists in your workspace.`);
    const entry = kind === 'file' ? packEntry({ name: place.relative, type: 'file', mode: 0o644, uid: 0, gid: 0 }) : packEntry({ name: place.relative, type: 'directory', mode: 0o755, uid: 0, gid: 0 });
    await this.deps.driver.copyIn(sandboxId, entry, place.root).catch((err: unknown) => this.failed(err, path));
    return { path };
  }

  /** Renames the entry itself (a symbolic link stays a link, wherever it points). */
  async rename(sandboxId: string, fromInput: string, toInput: string): Promise<{ path: string }> {
    const from = checkPath(fromInput);
    const to = checkPath(toInput);
    const source = await this.resolve(sandboxId, from, false);
    const destination = await this.resolve(sandboxId, to, false);
    if (!(await this.exists(sandboxId, source.target))) throw new WorkspaceError('no_such_file', `There is no ${quote(from)} in your workspace to rename.`);
    if (await this.exists(sandboxId, destination.target)) throw new WorkspaceError('file_exists', `${quote(to)} already exists in your workspace: pick another name.`);
    const moved = await this.exec(sandboxId, ['mv', '-T', '--', source.target, destination.target]);
    if (moved.exitCode !== 0) throw new WorkspaceError('bad_path', `${quote(from)} could not be renamed to ${quote(to)}: ${moved.stderr.trim().replace(/^mv: /, '').slice(0, 200)}.`);
    return { path: to };
  }

  /** Deletes the entry itself (a folder with all it holds; a link, not what it points at). */
  async remove(sandboxId: string, input: string): Promise<void> {
    const path = checkPath(input);
    const place = await this.resolve(sandboxId, path, false);
    if (place.target === place.root) throw new WorkspaceError('bad_path', 'The workspace itself cannot be deleted.');
    if (!(await this.exists(sandboxId, place.target))) throw new WorkspaceError('no_such_file', `There is no ${quote(path)} in your workspace to delete.`);
    const removed = await this.exec(sandboxId, ['rm', '-rf', '--one-file-system', '--', place.target]);
    if (removed.exitCode !== 0) throw new WorkspaceError('bad_path', `${quote(path)} could not be deleted: ${removed.stderr.trim().replace(/^rm: /, '').slice(0, 200)}.`);
  }

  /**
   * Where a path lies, resolved in the sandbox: with `followLast`, the file it finally names
   * (reads and writes follow links); without, the entry itself in its resolved folder (renames
   * and deletes act on a link, not its target). Refused when that lies outside the workspace.
   */
  private async resolve(sandboxId: string, path: string, followLast: boolean): Promise<Resolved> {
    const workspace = this.deps.driver.workspaceOf(sandboxId);
    const asked = followLast ? path : parentOf(path);
    const result = await this.exec(sandboxId, ['realpath', '-z', '-m', '--', workspace, asked ? `${workspace}/${asked}` : workspace]);
    const [root, resolved, extra] = result.stdout.split('\0');
    if (result.exitCode !== 0 || !root || !resolved || extra) {
      throw new WorkspaceError('bad_path', `${quote(path)} cannot be resolved in your workspace: ${result.stderr.trim().replace(/^realpath: /, '').slice(0, 200) || 'unexpected answer'}.`);
    }
    const target = followLast ? resolved : `${resolved === '/' ? '' : resolved}/${nameOf(path)}`;
    if (!isInside(root, target) || target === root) {
      throw new WorkspaceError('outside_workspace', `${quote(path)} leads outside your workspace (${WORKSPACE_NAME}) through a symbolic link (to ${quote(target)}): only files inside it can be opened here.`);
    }
    return { root, target, relative: target.slice(root.length + 1) };
  }

  /**
   * Resolves a path (following links) and reads what is there. Both start at once: the archive
   * of the path as asked is read while realpath runs, and used only when realpath says the path
   * held no link; else it is dropped unseen and the resolved path is read. One round trip saved
   * on every read and save.
   */
  private async resolveAndFetch(sandboxId: string, path: string): Promise<{ place: Resolved; entry: ArchivedEntry | undefined }> {
    const asked = `${this.deps.driver.workspaceOf(sandboxId)}/${path}`;
    const early = this.fetch(sandboxId, asked, path, MAX_EDITABLE_BYTES + 1).then(
      (entry) => ({ entry }),
      (err: unknown) => ({ err }),
    );
    let place: Resolved;
    try {
      place = await this.resolve(sandboxId, path, true);
    } catch (err) {
      await early;
      throw err;
    }
    const got = await early;
    if (place.target === asked) {
      if ('err' in got) throw got.err;
      return { place, entry: got.entry };
    }
    return { place, entry: await this.fetch(sandboxId, place.target, path, MAX_EDITABLE_BYTES + 1) };
  }

  /** The entry at an absolute path, or undefined when there is none. */
  private async fetch(sandboxId: string, target: string, path: string, limit: number): Promise<ArchivedEntry | undefined> {
    let archive;
    try {
      archive = await this.deps.driver.copyOut(sandboxId, target);
    } catch (err) {
      if (isMissing(err)) return undefined;
      return this.failed(err, path);
    }
    return readFirstEntry(archive, limit);
  }

  /** Whether anything (a dangling link included) is at an absolute path. */
  private async exists(sandboxId: string, target: string): Promise<boolean> {
    const found = await this.exec(sandboxId, ['find', target, '-maxdepth', '0', '-printf', 'x']);
    return found.exitCode === 0 && found.stdout === 'x';
  }

  private async exec(sandboxId: string, command: string[], maxOutputBytes = 64 * 1024, stdin?: Buffer) {
    try {
      return await this.deps.driver.exec(sandboxId, command, { timeoutMs: EXEC_TIMEOUT_MS, maxOutputBytes, ...(stdin ? { stdin } : {}) });
    } catch (err) {
      return this.failed(err, '');
    }
  }

  /** A sandbox that is gone says so; anything else is the server's failure, logged. */
  private failed(err: unknown, path: string): never {
    const status = (err as { statusCode?: number }).statusCode;
    const message = err instanceof Error ? err.message : String(err);
    // dockerode words every 404 "no such container"; the engine's own reason follows it.
    if (status === 409 || /No such container:|is not running|no fake sandbox|Workspace of .* is gone/.test(message)) throw new WorkspaceError('no_sandbox', ENDED);
    throw new Error(`workspace ${path ? `${path}: ` : ''}${message}`, { cause: err });
  }
}

/** An archive request for a path that does not exist (the engine's 404, or no such file here). */
function isMissing(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : '';
  if (code === 'ENOENT') return true;
  return status === 404 && /Could not find the file/i.test(message);
}

/** Depth-first, folders before files at each level, each level by name. */
function sortTree(entries: TreeEntry[]): TreeEntry[] {
  const children = new Map<string, TreeEntry[]>();
  for (const entry of entries) {
    const parent = parentOf(entry.path);
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(entry);
  }
  const out: TreeEntry[] = [];
  const walk = (folder: string) => {
    const list = children.get(folder) ?? [];
    list.sort((a, b) => Number(b.kind === 'folder') - Number(a.kind === 'folder') || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const entry of list) {
      out.push(entry);
      if (entry.kind === 'folder') walk(entry.path);
    }
  };
  walk('');
  return out;
}
