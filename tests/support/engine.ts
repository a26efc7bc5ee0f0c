// Tests that need the Docker Engine fail loudly without it: a skip would hide a defect in CI.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Docker from 'dockerode';

export async function requireEngine(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`This test needs a running Docker Engine (${(err as Error).message}). Start dockerd or set DOCKER_HOST; .ci/run does both.`);
  }
  return docker;
}

/**
 * How a test may restart this machine's Docker Engine, from SLIPWAY_TEST_ENGINE_RESTART:
 * `supervised` (a loop restarts dockerd when it exits, as .ci/run arranges; the test sends it
 * SIGTERM) or `systemctl` (systemd's docker unit). Unset: restarting it is not ours to do.
 */
export function engineRestartMethod(): 'supervised' | 'systemctl' | undefined {
  const method = process.env.SLIPWAY_TEST_ENGINE_RESTART;
  if (method === undefined || method === '') return undefined;
  if (method !== 'supervised' && method !== 'systemctl') throw new Error(`SLIPWAY_TEST_ENGINE_RESTART is "${method}"; it must be "supervised" or "systemctl".`);
  return method;
}

const DOCKER_PID_FILE = '/var/run/docker.pid';

function enginePid(): number | undefined {
  try {
    const pid = Number(fs.readFileSync(DOCKER_PID_FILE, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && fs.existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Restarts the Docker Engine the way its supervisor allows, and resolves once a new one answers. */
export async function restartEngine(timeoutMs = 120_000): Promise<void> {
  const method = engineRestartMethod();
  if (!method) throw new Error('Restarting the Docker Engine needs SLIPWAY_TEST_ENGINE_RESTART (supervised or systemctl).');
  const before = enginePid();
  if (method === 'systemctl') {
    const result = spawnSync('systemctl', ['restart', 'docker'], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`systemctl restart docker failed: ${result.stderr}`);
  } else {
    if (!before) throw new Error(`No running dockerd found through ${DOCKER_PID_FILE}.`);
    process.kill(before, 'SIGTERM');
  }
  const docker = new Docker();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = enginePid();
    if (pid !== undefined && pid !== before && (await docker.ping().then(() => true, () => false))) return;
    if (Date.now() > deadline) throw new Error(`The Docker Engine did not come back within ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
