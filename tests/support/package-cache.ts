// What an engine's package cache holds, read from its store in the image mirror container: for
// the package cache's tests and the swarm's (each node has a cache of its own).
import type Docker from 'dockerode';
import { MIRROR_CONTAINER } from '../../sandbox-server/images/mirror.js';

/** Runs find in the cache's store (the mirror container holds it) and returns what it printed. */
export async function findInCache(docker: Docker, ...args: string[]): Promise<string> {
  const exec = await docker.getContainer(MIRROR_CONTAINER).exec({ Cmd: ['find', '/var/cache/apt-cacher-ng', ...args], AttachStdout: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** File names of the .deb packages the cache holds. */
export const debsHeld = async (docker: Docker) => (await findInCache(docker, '-name', '*.deb', '-printf', '%f\\n')).split(/\r?\n/).filter(Boolean);
export const holds = (files: string[], name: string) => files.some((f) => f.startsWith(`${name}_`));
