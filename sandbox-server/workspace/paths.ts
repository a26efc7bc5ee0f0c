// The rules a path from the page must follow before anything in the sandbox is asked about it:
// relative to the workspace, no way up, no control characters (the pure rules are the
// contract's, contract/workspace-paths.ts, which lessons' hints follow too). Whether a symbolic
// link leads out is decided in the sandbox (files.ts, with realpath).
import { checkWorkspacePath } from '../../contract/workspace-paths.js';
import { WorkspaceError } from './errors.js';

export { WORKSPACE_NAME, controlCharacter, quote } from '../../contract/workspace-paths.js';

/**
 * A path from the page, checked and made canonical: relative to the workspace, folders joined by
 * single slashes, no trailing slash, no "." parts. Throws a WorkspaceError naming what is wrong.
 */
export function checkPath(input: string): string {
  const checked = checkWorkspacePath(input);
  if ('path' in checked) return checked.path;
  throw new WorkspaceError(checked.code, checked.message);
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
