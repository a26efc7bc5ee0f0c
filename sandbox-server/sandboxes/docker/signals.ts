// What the host sees of a sandbox's health from outside, without entering it: its pids cgroup
// (processes running, the limit, forks refused at the limit) and whether its inner engine's
// socket was made anew (the engine restarted). Plain file reads, cheap enough to poll every
// few seconds for every sandbox. They need the server on the engine's host, which the inner
// socket folder needs already. Synchronous on purpose: these are small files of /proc and
// /sys that never wait on a disk, and the promise machinery would cost ten times their reads.
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { PidsReading } from '../driver.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** Nested engines put containers two levels down (docker/<id>); compose projects no deeper. */
const MAX_DEPTH = 4;

/**
 * The folder of the container's pids cgroup on the host, from its main process's
 * /proc/<pid>/cgroup: `N:pids:/path` on cgroup v1, `0::/path` on v2 (where the sandbox's
 * entrypoint moves itself into a child named init, so the limits sit one level up).
 */
export async function findPidsCgroup(container: Docker.Container): Promise<string | undefined> {
  const info = await container.inspect().catch(() => undefined);
  const pid = info?.State.Running ? info.State.Pid : 0;
  if (!pid) return undefined;
  const lines = readText(`/proc/${pid}/cgroup`) ?? '';
  const v1 = /^\d+:(?:[^:]*,)?pids(?:,[^:]*)?:(.+)$/m.exec(lines)?.[1];
  const v2 = /^0::(.+)$/m.exec(lines)?.[1];
  const dir = v1 ? path.join(CGROUP_ROOT, 'pids', v1) : v2 ? path.join(CGROUP_ROOT, v2.replace(/\/init$/, '')) : undefined;
  if (!dir) return undefined;
  return readNumber(path.join(dir, 'pids.current')) === undefined ? undefined : dir;
}

/** Processes now, the limit, and forks refused at the limit in the sandbox or anything it started. */
export function readPids(dir: string): PidsReading | undefined {
  const current = readNumber(path.join(dir, 'pids.current'));
  if (current === undefined) return undefined;
  const max = (readText(path.join(dir, 'pids.max')) ?? 'max').trim();
  return { current, max: max === 'max' ? Infinity : Number(max), refused: refusedForks(dir, 0) };
}

/**
 * On cgroup v1 (and v2 before Linux 6.9) a refused fork is counted in the cgroup of the process
 * that forked, not in the one whose limit refused it: a fork bomb inside a nested container
 * counts there. So the sum over the subtree.
 */
function refusedForks(dir: string, depth: number): number {
  const events = readText(path.join(dir, 'pids.events')) ?? '';
  let total = Number(/^max (\d+)$/m.exec(events)?.[1] ?? 0);
  if (depth >= MAX_DEPTH) return total;
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    // Gone meanwhile (a nested container removed).
  }
  for (const entry of entries) if (entry.isDirectory()) total += refusedForks(path.join(dir, entry.name), depth + 1);
  return total;
}

/**
 * Changes whenever the socket is made anew (the inner engine started again); null while there
 * is no socket. Its inode alone could be reused at once; with the change time it cannot.
 */
export function socketIdentity(socket: string): string | null {
  const stats = fs.lstatSync(socket, { bigint: true, throwIfNoEntry: false });
  return stats?.isSocket() ? `${stats.ino}:${stats.ctimeNs}` : null;
}

function readNumber(file: string): number | undefined {
  const text = readText(file);
  const value = text === undefined ? NaN : Number(text.trim());
  return Number.isFinite(value) ? value : undefined;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
