// The rules a path in the learner's workspace must follow before anything in the sandbox is
// asked about it: relative to the workspace, no way up, no control characters. Pure and shared:
// the server applies them to every path from the page (sandbox-server/workspace/paths.ts), and
// the lesson schema to every file a hint opens, so a lesson can never name a file the editor refuses.

/** How the workspace is named to the learner. */
export const WORKSPACE_NAME = '~/workshop';
const MAX_PATH_LENGTH = 1024;
const MAX_NAME_BYTES = 255;

/** Shows a path as it was given, without letting a control character act on the page or the log. */
export function quote(path: string): string {
  const shown = path.length > 120 ? `${path.slice(0, 117)}...` : path;
  return JSON.stringify(shown);
}

/** The first control character in a string (C0, DEL, C1), as U+XXXX; undefined when there is none. */
export function controlCharacter(text: string): string | undefined {
  const found = /[\u0000-\u001f\u007f-\u009f]/u.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

export type PathCheck = { path: string } | { code: 'bad_path' | 'outside_workspace'; message: string };

/**
 * A workspace path checked and made canonical (folders joined by single slashes, no trailing
 * slash, no "." parts), or the refusal: its code and words naming what is wrong.
 */
export function checkWorkspacePath(input: string): PathCheck {
  const bad = (message: string): PathCheck => ({ code: 'bad_path', message });
  const outside = (message: string): PathCheck => ({ code: 'outside_workspace', message });
  if (typeof input !== 'string' || input.trim() === '') return bad('No path given: name a file in your workspace, such as "compose.yaml".');
  if (input.length > MAX_PATH_LENGTH) return bad(`The path is ${input.length} characters long; at most ${MAX_PATH_LENGTH} are allowed.`);
  const control = controlCharacter(input);
  if (control) return bad(`The path ${quote(input)} holds a control character (${control}): names with control characters cannot be opened here; rename the file in the terminal.`);
  if (input.startsWith('/') || input.startsWith('~') || /^[a-zA-Z]:[\\/]/.test(input)) {
    return outside(`The path ${quote(input)} is absolute: give a path inside your workspace (${WORKSPACE_NAME}), such as "compose.yaml" or "app/Dockerfile".`);
  }
  if (input.includes('\\')) return bad(`The path ${quote(input)} holds a backslash: separate folders with "/".`);
  const parts = input.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return outside(`The path ${quote(input)} goes up with "..": only files inside your workspace (${WORKSPACE_NAME}) can be opened here.`);
  if (parts.length === 0) return bad(`The path ${quote(input)} names the workspace itself, not a file in it.`);
  const encoder = new TextEncoder();
  for (const part of parts) {
    if (encoder.encode(part).length > MAX_NAME_BYTES) return bad(`The name ${quote(part)} is longer than ${MAX_NAME_BYTES} bytes.`);
  }
  return { path: parts.join('/') };
}
