// Disk use of sandboxes. Docker on most hosts cannot cap a container's disk (that needs XFS
// project quotas), so the server measures what each sandbox holds and acts on it: a warning at
// 80% of SLIPWAY_SANDBOX_DISK, removal past the limit — before one learner fills the host. A
// measurement's shape is the shared contract's: the session API sends it to the lesson page.
import fs from 'node:fs';
import type { DiskUsage } from '../../contract/session-api.js';
import type { SandboxDriver } from './driver.js';

export const WARN_FRACTION = 0.8;
/** Where learners' data accumulates inside a sandbox: the engine's store and home/scratch folders. */
const MEASURED = ['/var/lib/docker', '/root', '/tmp', '/var/tmp', '/home', '/srv', '/opt'];

export async function measureDisk(driver: SandboxDriver, id: string, limitBytes: number): Promise<DiskUsage> {
  const result = await driver.exec(id, ['du', '-sxbc', ...MEASURED], { timeoutMs: 30_000 });
  // du exits 1 when a folder is missing or vanishes mid-walk; the total line is still right.
  const total = /^(\d+)\s+total$/m.exec(result.stdout);
  if (!total) throw new Error(`could not measure disk use of ${id}: ${result.stderr.trim() || 'no total from du'}`);
  const usedBytes = Number(total[1]);
  const level = usedBytes > limitBytes ? 'over' : usedBytes >= limitBytes * WARN_FRACTION ? 'warning' : 'ok';
  return { usedBytes, limitBytes, level, measuredAt: Date.now() };
}

/** Free bytes on the file system holding `dir`, or undefined when it cannot be read. */
export function freeBytes(dir: string): number | undefined {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}
