// Builds the project's own images from folders in this directory. An image is tagged with a
// hash of its folder and of its base image, so an unchanged image is never rebuilt and a
// changed one always is.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import tar from 'tar-fs';
import { LABEL, type Role } from '../labels.js';

export const IMAGES_DIR = path.dirname(fileURLToPath(import.meta.url));

export type Progress = (line: string) => void;

/**
 * The role label every Slipway object carries (labels.ts names the others). An image serves
 * every installation on the engine, so it names none; `npm run clean` finds images by it.
 */
export const IMAGE_LABELS: Readonly<Record<string, string>> = { [LABEL.role]: 'image' satisfies Role };

export function folderHash(folder: string, extra: string): string {
  const hash = crypto.createHash('sha256').update(extra);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(folder, full)).update(fs.readFileSync(full));
    }
  };
  walk(folder);
  return hash.digest('hex').slice(0, 12);
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  return docker.getImage(tag).inspect().then(() => true, () => false);
}

/** The tag `buildImage` would produce now, or undefined when the base image is missing. */
export async function expectedTag(docker: Docker, folder: string, repository: string, baseTag: string): Promise<string | undefined> {
  const base = await docker.getImage(baseTag).inspect().catch(() => undefined);
  return base ? `${repository}:${folderHash(path.join(IMAGES_DIR, folder), base.Id)}` : undefined;
}

/**
 * Builds `folder` (relative to this directory) as `repository:<hash>` unless it already exists.
 * Returns the tag. Progress lines name the image and the build step.
 */
export async function buildImage(docker: Docker, folder: string, repository: string, baseTag: string, progress: Progress): Promise<string> {
  const context = path.join(IMAGES_DIR, folder);
  const tag = (await expectedTag(docker, folder, repository, baseTag))!;
  if (await imageExists(docker, tag)) return tag;
  progress(`building ${repository} from ${folder}/ (first start only)`);
  const stream = await docker.buildImage(tar.pack(context) as unknown as NodeJS.ReadableStream, { t: tag, buildargs: { BASE: baseTag }, labels: IMAGE_LABELS, rm: true, forcerm: true });
  const tail: string[] = [];
  const stepImages = new Set<string>();
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null, output: Array<{ error?: string }>) => {
          const failure = err?.message ?? output.find((o) => o.error)?.error;
          if (failure) reject(new Error(`Building ${repository} failed: ${failure}\n${tail.join('')}`));
          else resolve();
        },
        (event: { stream?: string; error?: string }) => {
          if (!event.stream) return;
          tail.push(event.stream);
          if (tail.length > 30) tail.shift();
          const stepImage = /^---> ([0-9a-f]{12})$/.exec(event.stream.trim());
          if (stepImage) stepImages.add(stepImage[1]!);
          const step = /^Step \d+\/\d+ : .*/.exec(event.stream.trim());
          if (step) progress(`  ${repository}: ${step[0].slice(0, 110)}`);
        },
      );
    });
  } finally {
    await removeUntaggedSteps(docker, stepImages);
  }
  if (!(await imageExists(docker, tag))) throw new Error(`Building ${repository} reported success but ${tag} does not exist.`);
  return tag;
}

/**
 * The classic builder keeps the last image of each earlier stage of a multi-stage Dockerfile
 * (the stand-ins compile in one stage and copy into the next), and a failed build keeps the
 * steps it committed: images with no tag that nothing uses, which would pile up on the engine.
 * Only the images this build printed are candidates; one still in use stays.
 */
async function removeUntaggedSteps(docker: Docker, stepImages: Set<string>): Promise<void> {
  if (stepImages.size === 0) return;
  const untagged = await docker.listImages({ filters: JSON.stringify({ dangling: ['true'] }) }).catch(() => []);
  for (const image of untagged) {
    const short = image.Id.replace(/^sha256:/, '').slice(0, 12);
    if (stepImages.has(short)) await docker.getImage(image.Id).remove().catch(() => undefined);
  }
}
