// Gets every image a Docker-driver installation needs: the base, the sandbox image, the mirror
// and (offline) the stand-in pack. Each step is skipped when its result already exists.
import type Docker from 'dockerode';
import type { Config } from '../config/config.js';
import { ensureBase } from './base.js';
import { buildImage, type Progress } from './build.js';
import { dockerHubAnswers } from './hub.js';
import { ensureMirror, type PackageCacheSpec } from './mirror.js';
import { ensureStandins } from './standins.js';

export interface ImageSupply {
  sandboxImage: string;
  online: boolean;
  standins: string[];
}

export async function resolveOnline(mode: Config['images']): Promise<boolean> {
  if (mode === 'online') return true;
  if (mode === 'offline') return false;
  return dockerHubAnswers();
}

/** Images first; the mirror needs the sandbox network's gateway, so it is started separately. */
export async function prepareImages(docker: Docker, config: Config, online: boolean, progress: Progress): Promise<{ base: string; sandboxImage: string; mirrorImage: string }> {
  const base = await ensureBase(docker, online, config.debianMirror, progress, config.instance);
  // Side by side: on a first start both spend most of their time fetching Debian packages.
  const [sandboxImage, mirrorImage] = await Promise.all([buildImage(docker, 'sandbox', 'slipway/sandbox', base, progress), buildImage(docker, 'mirror', 'slipway/mirror', base, progress)]);
  return { base, sandboxImage, mirrorImage };
}

export async function startMirror(docker: Docker, config: Config, online: boolean, packages: PackageCacheSpec, images: { base: string; mirrorImage: string }, gateway: string, progress: Progress): Promise<string[]> {
  await ensureMirror(docker, { image: images.mirrorImage, port: config.mirrorPort, gateway, online, packages }, progress);
  if (online) return [];
  return ensureStandins(docker, images.base, config.mirrorPort, progress);
}
