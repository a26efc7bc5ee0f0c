// The offline image pack: stand-ins for official images, built from Debian packages and pushed
// to the mirror under the official names, so `docker run redis:8` works in a sandbox with no
// internet. docs/images.md says what each one is.
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';
import { buildImage, IMAGES_DIR, type Progress } from './build.js';
import { mirroredConfigDigest } from './mirror.js';

const catalogSchema = z.array(
  z.object({
    dir: z.string().regex(/^[a-z0-9-]+$/),
    names: z.array(z.string().regex(/^[a-z0-9._-]+(:[A-Za-z0-9._-]+)?$/)).min(1),
    summary: z.string(),
  }),
);

export type StandinCatalog = z.infer<typeof catalogSchema>;

export function readCatalog(): StandinCatalog {
  const file = path.join(IMAGES_DIR, 'standins', 'catalog.json');
  return catalogSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Splits "redis:8" into the registry path and tag Docker Hub would use. */
export function hubReference(name: string): { repository: string; tag: string } {
  const [image, tag = 'latest'] = name.split(':') as [string, string?];
  return { repository: image.includes('/') ? image : `library/${image}`, tag };
}

/**
 * Stand-ins built at the same time on a first start: their builds spend much of their time
 * fetching Debian packages, so a few side by side finish sooner than one after another.
 */
const BUILDS_AT_ONCE = 3;

/** A stand-in built on an engine: its local tag and the official names it stands in for. */
export interface BuiltStandin {
  localTag: string;
  names: string[];
}

/** Builds every stand-in that is missing or changed and pushes it where the mirror lacks it. */
export async function ensureStandins(docker: Docker, baseTag: string, mirrorPort: number, progress: Progress): Promise<string[]> {
  const built = await buildStandins(docker, baseTag, progress);
  return publishStandins(docker, built, mirrorPort, progress);
}

/** Builds every stand-in that is missing or changed on the engine. */
export async function buildStandins(docker: Docker, baseTag: string, progress: Progress): Promise<BuiltStandin[]> {
  const catalog = readCatalog();
  const built: BuiltStandin[] = new Array<BuiltStandin>(catalog.length);
  let next = 0;
  const builder = async () => {
    for (let i = next++; i < catalog.length; i = next++) {
      const entry = catalog[i]!;
      built[i] = { localTag: await buildImage(docker, path.join('standins', entry.dir), `slipway/standin-${entry.dir}`, baseTag, progress), names: entry.names };
    }
  };
  await Promise.all(Array.from({ length: Math.min(BUILDS_AT_ONCE, catalog.length) }, builder));
  return built;
}

/**
 * Pushes stand-ins from the engine to the mirror on this machine's 127.0.0.1, under their
 * official names, but those the mirror holds already as built. Returns the names.
 */
export async function publishStandins(docker: Docker, built: BuiltStandin[], mirrorPort: number, progress: Progress): Promise<string[]> {
  const published = async (repository: string, tag: string, imageId: string) => (await mirroredConfigDigest(mirrorPort, repository, tag)) === imageId;
  const names: string[] = [];
  for (const { localTag, names: official } of built) {
    const imageId = (await docker.getImage(localTag).inspect()).Id;
    for (const name of official) {
      const { repository, tag } = hubReference(name);
      if (await published(repository, tag, imageId)) {
        names.push(name);
        continue;
      }
      progress(`pushing ${name} to the mirror`);
      const target = `127.0.0.1:${mirrorPort}/${repository}`;
      await docker.getImage(localTag).tag({ repo: target, tag });
      // The engine insists on an auth header even for a registry that needs none.
      const stream = await docker.getImage(`${target}:${tag}`).push({ authconfig: { serveraddress: `127.0.0.1:${mirrorPort}` } });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
          const failure = err?.message ?? output.find((o) => o.error)?.error;
          if (failure) reject(new Error(`Pushing ${name} to the mirror failed: ${failure}`));
          else resolve();
        }),
      );
      await docker.getImage(`${target}:${tag}`).remove().catch(() => undefined);
      names.push(name);
    }
  }
  return names;
}
