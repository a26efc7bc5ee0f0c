// The workspace API: the file tree of the learner's workspace (~/workshop), reading and writing
// one file, and creating, renaming and deleting entries. File content travels as the raw body
// (UTF-8 text), never inside JSON, so a file may be larger than the API's JSON limit; the
// version a save was based on travels in If-Match (a version, or * to overwrite whatever is there).
// Also which file the learner's editor shows (the instructor's view of it: workspace-view.ts).
import { z } from 'zod';

/** GET: the tree. */
export const WORKSPACE_TREE_PATH = '/api/workspace/tree';
/** GET ?path= (read), PUT ?path= (write, body: the text, If-Match: the version read). */
export const WORKSPACE_FILE_PATH = '/api/workspace/file';
/** POST (create, body: entryBody), DELETE ?path= (delete). */
export const WORKSPACE_ENTRIES_PATH = '/api/workspace/entries';
/** POST (body: renameBody). */
export const WORKSPACE_RENAME_PATH = '/api/workspace/rename';

/** Files over this many bytes open read-only (a log, a database): an editor in a page is no place for them. */
export const MAX_EDITABLE_BYTES = 1024 * 1024;
/** How much of a file too large to edit is still shown (read-only). */
export const PREVIEW_BYTES = 64 * 1024;
/** The tree lists at most this many entries (a node_modules unpacked in the workspace). */
export const MAX_TREE_ENTRIES = 2000;
/** Folders this deep and deeper are not listed. */
export const MAX_TREE_DEPTH = 8;
/** The header a save puts its base version in; `*` overwrites whatever is there. */
export const BASE_VERSION_HEADER = 'If-Match';
/** A save's answer, and the version a read gave. */
export const VERSION_HEADER = 'ETag';

// The schemas are marked pure: the editor's bundle imports this file's constants only, and the
// bundler then leaves the schemas out of it (the lesson page's JavaScript budget).
export const entryKind = /* @__PURE__ */ z.enum(['file', 'folder', 'link', 'other']);
export type EntryKind = z.infer<typeof entryKind>;

export interface TreeEntry {
  /** Relative to the workspace, with / between folders. */
  path: string;
  kind: EntryKind;
  /** Bytes (files only; 0 for the rest). */
  size: number;
}

export interface WorkspaceTree {
  /** How the workspace is named to the learner (~/workshop). */
  root: string;
  /** Folders before files at each level, each level by name. */
  entries: TreeEntry[];
  /** More entries exist than were listed (MAX_TREE_ENTRIES, MAX_TREE_DEPTH). */
  truncated: boolean;
}

export interface WorkspaceFile {
  path: string;
  /** The text (UTF-8); for a file too large to edit its first PREVIEW_BYTES; null for a binary file. */
  content: string | null;
  /** What a save of this text is based on (If-Match); changes whenever the bytes change. */
  version: string;
  size: number;
  /** False for binary files and files over MAX_EDITABLE_BYTES. */
  editable: boolean;
  /** Why it is not editable, in plain words. */
  note?: string;
}

export interface SavedFile {
  path: string;
  version: string;
  size: number;
}

/** POST /api/workspace/entries */
export const entryBody = /* @__PURE__ */ z
  .object({
    path: z.string().min(1, 'path: the new entry, relative to the workspace').max(1024),
    kind: z.enum(['file', 'folder']),
  })
  .strict();
export type EntryBody = z.infer<typeof entryBody>;

/** POST /api/workspace/rename */
export const renameBody = /* @__PURE__ */ z
  .object({
    from: z.string().min(1, 'from: the entry to rename').max(1024),
    to: z.string().min(1, 'to: its new path').max(1024),
  })
  .strict();
export type RenameBody = z.infer<typeof renameBody>;

// --- The file the learner has open (the instructor's view of it: workspace-view.ts) ------------

/** POST (body: openBody): the page says which file its editor shows (null: none). Answers 204. */
export const WORKSPACE_OPEN_PATH = '/api/workspace/open';

/** POST /api/workspace/open: the path follows the workspace's path rules (a bad one is a 400 naming what is wrong). */
export const openBody = /* @__PURE__ */ z
  .object({
    path: z.string().max(1024, 'path: at most 1024 characters').nullable(),
  })
  .strict();
export type OpenBody = z.infer<typeof openBody>;
