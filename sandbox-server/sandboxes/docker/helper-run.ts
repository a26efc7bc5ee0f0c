// A short-lived helper container, made by its caller, run to its end: started, waited for (a
// helper that hangs is given up on), its output read, and removed with any volume whatever
// happens. The firewall's helper (network.ts) and the swarm's runaway stopper use it.
import type Docker from 'dockerode';

const HELPER_TIMEOUT_MS = 60_000;

export async function runToEnd(container: Docker.Container): Promise<{ statusCode: number; output: string }> {
  try {
    await container.start();
    const waited = (await Promise.race([
      container.wait(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`the helper did not finish within ${HELPER_TIMEOUT_MS / 1000} s`)), HELPER_TIMEOUT_MS).unref()),
    ])) as { StatusCode: number };
    const output = ((await container.logs({ stdout: true, stderr: true })) as Buffer).toString('utf8');
    return { statusCode: waited.StatusCode, output };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}
