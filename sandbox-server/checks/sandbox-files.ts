// Reads a file inside the sandbox through exec (the workspace and volumes live there, not on
// this machine). One exec answers "exists?", "is it a folder?" and the content.
import type { CheckContext } from './context.js';

/** Files larger than this are read only this far: lesson files are small, logs are not. */
const MAX_READ = 256 * 1024;

export type SandboxFile = { type: 'missing' } | { type: 'directory' } | { type: 'file'; content: string };

// The path is passed as an argument, never spliced into the script, so no quoting can break it.
const READ_SCRIPT = `
if [ -d "$1" ]; then echo directory; elif [ -e "$1" ]; then echo file; [ "$2" = 1 ] && head -c ${MAX_READ} -- "$1"; else echo missing; fi
exit 0`;

export async function readSandboxFile(ctx: CheckContext, path: string, withContent: boolean): Promise<SandboxFile> {
  const result = await ctx.exec(['sh', '-c', READ_SCRIPT, 'sh', path, withContent ? '1' : '0'], { timeoutMs: 5000, maxOutputBytes: MAX_READ + 64 });
  if (result.exitCode !== 0) throw new Error(`could not read ${path} in the sandbox: ${result.stderr.trim() || `exit code ${result.exitCode}`}`);
  const newline = result.stdout.indexOf('\n');
  const type = newline < 0 ? result.stdout.trim() : result.stdout.slice(0, newline);
  if (type === 'file') return { type, content: newline < 0 ? '' : result.stdout.slice(newline + 1) };
  if (type === 'directory' || type === 'missing') return { type };
  throw new Error(`could not read ${path} in the sandbox: unexpected answer ${JSON.stringify(result.stdout.slice(0, 80))}`);
}
