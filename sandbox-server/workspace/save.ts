// Saving a file from the editor in one round trip to the sandbox. A save has to resolve the path
// (links included), check it stays in the workspace, check the file is still the version the
// text was based on, and write: done as separate engine calls that is three round trips of
// 100–200 ms each, most of a save's time. Here one exec does all of it: a fixed script that gets
// the paths and the expected version as arguments of their own (never inside a shell line) and
// the text on its standard input; its exit code says which rule refused.
import { WorkspaceError } from './errors.js';
import { WORKSPACE_NAME, quote } from './paths.js';

/** Exit codes of the script, one per refusal. */
const EXIT = { unresolved: 10, outside: 11, folder: 12, notFile: 13, deleted: 14, changed: 15, unwritten: 16 } as const;

/**
 * $1 the workspace, $2 the path in it, $3 the expected version ('*' for any, 'h:' and 32 hex
 * digits of the SHA-256 of the bytes, or 'l:' size-mtime for a file too large to hash here), $4
 * the size over which a file is "large". Prints the resolved target, NUL-terminated, first.
 * `cat >` into an existing file keeps its mode and owner (greet.sh stays executable); a new one
 * is the shell's (root, 0644), in folders made as needed, as unpacking an archive would. Every
 * process started in the sandbox costs several milliseconds, so the rest is bash's own.
 */
export const SAVE_SCRIPT = `
{ IFS= read -r -d '' root && IFS= read -r -d '' target; } < <(realpath -z -m -- "$1" "$1/$2") || exit ${EXIT.unresolved}
printf '%s\\0' "$target"
case "$target" in "$root"/*) ;; *) exit ${EXIT.outside} ;; esac
[ -d "$target" ] && exit ${EXIT.folder}
[ -e "$target" ] && [ ! -f "$target" ] && exit ${EXIT.notFile}
if [ "$3" != '*' ]; then
  [ -f "$target" ] || exit ${EXIT.deleted}
  case "$3" in
    h:*)
      [ "$(stat -c %s -- "$target")" -le "$4" ] || exit ${EXIT.changed}
      sum=$(sha256sum < "$target") || exit ${EXIT.unresolved}
      [ "h:\${sum:0:32}" = "$3" ] || exit ${EXIT.changed} ;;
    l:*) [ "l:$(stat -c %s-%Y -- "$target")" = "$3" ] || exit ${EXIT.changed} ;;
    *) exit ${EXIT.changed} ;;
  esac
fi
folder=\${target%/*}
[ -d "$folder" ] || mkdir -p -- "$folder" || exit ${EXIT.unwritten}
cat > "$target" || exit ${EXIT.unwritten}
`;

/**
 * The script's form of a version the page holds (content.ts makes them): the hash's first 16
 * bytes in hex, or a large file's size and modification time in seconds. Anything else cannot be
 * the file's version: the script then answers "changed".
 */
export function expectedVersion(version: string): string {
  if (version === '*') return '*';
  const large = /^large-(\d+)-(\d+)$/.exec(version);
  if (large) return `l:${large[1]}-${Math.floor(Number(large[2]) / 1000)}`;
  if (/^[A-Za-z0-9_-]{22}$/.test(version)) return `h:${Buffer.from(version, 'base64url').subarray(0, 16).toString('hex')}`;
  return 'x:unknown';
}

/** The refusal the script's exit code names, or undefined when it saved. */
export function saveRefusal(path: string, result: { exitCode: number; stdout: string; stderr: string }): WorkspaceError | Error | undefined {
  const target = result.stdout.split('\0')[0] ?? '';
  const said = result.stderr.trim().replace(/^[a-z]+: /, '').slice(0, 200);
  switch (result.exitCode) {
    case 0:
      return undefined;
    case EXIT.unresolved:
      return new WorkspaceError('bad_path', `${quote(path)} cannot be resolved in your workspace: ${said || 'unexpected answer'}.`);
    case EXIT.outside:
      return new WorkspaceError('outside_workspace', `${quote(path)} leads outside your workspace (${WORKSPACE_NAME}) through a symbolic link (to ${quote(target)}): only files inside it can be opened here.`);
    case EXIT.folder:
      return new WorkspaceError('is_folder', `${quote(path)} is a folder: a file cannot be saved over it.`);
    case EXIT.notFile:
      return new WorkspaceError('not_editable', `${quote(path)} is not a regular file: it cannot be saved from the editor.`);
    case EXIT.deleted:
      return new WorkspaceError('file_changed', `${quote(path)} was deleted since you opened it (in the terminal, or in another tab). Save again to create it with your text, or close it.`);
    case EXIT.changed:
      return new WorkspaceError('file_changed', `${quote(path)} changed since you opened it (in the terminal, or in another tab). Reload it to see the change, or overwrite it with your text.`);
    case EXIT.unwritten:
      return new WorkspaceError('bad_path', `${quote(path)} could not be written: ${said || 'the sandbox refused'}.`);
    default:
      return new Error(`workspace ${path}: the save script exited with ${result.exitCode}: ${said}`);
  }
}
