// Tests that need the Docker Engine fail loudly without it: a skip would hide a defect in CI.
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
