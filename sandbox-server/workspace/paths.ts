// The rules a path from the page must follow before anything in the sandbox is asked about it:
// relative to the workspace, no way up, no control characters. Pure, so the fast tier proves
// them; whether a symbolic link leads out is decided in the sandbox (files.ts, with realpath).
import { WorkspaceError } from './errors.js';

/** How the workspace is named to the learner. */
export const WORKSPACE_NAME = '~/workshop';
const MAX_PATH_LENGTH = 1024;
const MAX_NAME_BYTES = 255;

/** Shows a path as the learner typed it, without letting a control character act on the page or the log. */
export function quote(path: string): string {
  const shown = path.length > 120 ? `${path.slice(0, 117)}...` : path;
  return JSON.stringify(shown);
}

/** The first control character in a string (C0, DEL, C1), as U+XXXX; undefined when there is none. */
export function controlCharacter(text: string): string | undefined {
  const found = /[\u0000-\u001f\u007f-\u009f]/u.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * A path from the page, checked and made canonical: relative to the workspace, folders joined by
 * single slashes, no trailing slash, no "." parts. Throws a WorkspaceError naming what is wrong.
 */
export function checkPath(input: string): string {
  if (typeof input !== 'string' || input.trim() === '') throw new WorkspaceError('bad_path', 'No path given: name a file in your workspace, such as "compose.yaml".');
  if (input.length > MAX_PATH_LENGTH) throw new WorkspaceError('bad_path', `The path is ${input.length} characters long; at most ${MAX_PATH_LENGTH} are allowed.`);
  const control = controlCharacter(input);
  if (control) throw new WorkspaceError('bad_path', `The path ${quote(input)} holds a control character (${control}): names with control characters cannot be opened here; rename the file in the terminal.`);
  if (input.startsWith('/') || input.startsWith('~') || /^[a-zA-Z]:[\\/]/.test(input)) {
    throw new WorkspaceError('outside_workspace', `The path ${quote(input)} is absolute: give a path inside your workspace (${WORKSPACE_NAME}), such as "compose.yaml" or "app/Dockerfile".`);
  }
  if (input.includes('\\')) throw new WorkspaceError('bad_path', `The path ${quote(input)} holds a backslash: separate folders with "/".`);
  const parts = input.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new WorkspaceError('outside_workspace', `The path ${quote(input)} goes up with "..": only files inside your workspace (${WORKSPACE_NAME}) can be opened here.`);
  if (parts.length === 0) throw new WorkspaceError('bad_path', `The path ${quote(input)} names the workspace itself, not a file in it.`);
  for (const part of parts) {
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) throw new WorkspaceError('bad_path', `The name ${quote(part)} is longer than ${MAX_NAME_BYTES} bytes.`);
  }
  return parts.join('/');
}

/** Whether `resolved` (an absolute path) is `root` or inside it. */
export function isInside(root: string, resolved: string): boolean {
  const base = root.endsWith('/') ? root.slice(0, -1) : root;
  return resolved === base || resolved.startsWith(`${base}/`);
}

/** The folder part of a canonical relative path ('' for the workspace itself). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last part of a canonical relative path. */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
