// The image pack: every image Slipway needs in one file, made on a machine that could build
// them (online, at home) and loaded on the machine in the room, which then starts with no
// network at all. The file is the engine's own `docker save` archive, followed by a manifest
// (what it holds, each image's id, the archive's size and SHA-256) and a fixed-size footer
// that finds the manifest. Loading checks all of it before the engine sees a byte, and undoes
// what it loaded when the engine fails half-way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type Docker from 'dockerode';
import { z } from 'zod';
import { BASE_TAG } from './base.js';
import { expectedTag, folderHash, IMAGES_DIR, type Progress } from './build.js';
import { readCatalog } from './standins.js';

export const PACK_FORMAT = 'slipway-image-pack';
export const PACK_VERSION = 1;
/** "slipway-image-pack:" then the manifest's length in 12 digits and a newline: 32 bytes. */
const FOOTER_LENGTH = 32;
const MiB = 1024 * 1024;

const roleSchema = z.enum(['base', 'sandbox', 'mirror', 'standin']);
export type PackRole = z.infer<typeof roleSchema>;

const manifestSchema = z.object({
  format: z.literal(PACK_FORMAT),
  version: z.number().int(),
  created: z.string(),
  slipway: z.string(),
  images: z.array(
    z.object({
      role: roleSchema,
      /** The folder under images/ it is built from (stand-ins: standins/<dir>); none for the base. */
      folder: z.string().optional(),
      tag: z.string().regex(/^[a-z0-9./_-]+:[A-Za-z0-9._-]+$/),
      id: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    }),
  ).min(1),
  archive: z.object({ bytes: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});
export type PackManifest = z.infer<typeof manifestSchema>;
export type PackImage = PackManifest['images'][number];

/** dockerode has GET /images/get (docker save of several images) but its types lack it. */
interface SavesImages {
  getImages(options: { names: string[] }): Promise<NodeJS.ReadableStream>;
}

/** A pack that cannot be loaded: not a pack, damaged, or made for another version. Nothing was loaded. */
export class PackError extends Error {}

/** Every image a Docker-driver installation needs, as this checkout would build them. */
export async function neededImages(docker: Docker): Promise<Array<Omit<PackImage, 'id'>>> {
  const wanted: Array<Omit<PackImage, 'id'>> = [{ role: 'base', tag: BASE_TAG }];
  const built = async (role: PackRole, folder: string, repository: string) => {
    const tag = await expectedTag(docker, folder, repository, BASE_TAG);
    if (!tag) throw new PackError(`${BASE_TAG} is not on this engine. Run npm start once (it builds every image) before exporting.`);
    wanted.push({ role, folder, tag });
  };
  await built('sandbox', 'sandbox', 'slipway/sandbox');
  await built('mirror', 'mirror', 'slipway/mirror');
  for (const entry of readCatalog()) await built('standin', `standins/${entry.dir}`, `slipway/standin-${entry.dir}`);
  return wanted;
}

function slipwayVersion(): string {
  const file = path.join(IMAGES_DIR, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Counts and hashes what passes through, reporting every `every` bytes. */
function measuring(onProgress: (bytes: number) => void, every = 100 * MiB): Transform & { bytes: () => number; digest: () => string } {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  let next = every;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      if (bytes >= next) {
        next += every;
        onProgress(bytes);
      }
      done(null, chunk);
    },
  });
  let digest: string | undefined;
  return Object.assign(stream, { bytes: () => bytes, digest: () => (digest ??= hash.digest('hex')) });
}

/**
 * Writes `images` (all of them must be on the engine) to `file`. The pack is written under a
 * temporary name and renamed at the end: a pack cut short never carries the final name.
 */
export async function exportPack(docker: Docker, file: string, images: Array<Omit<PackImage, 'id'>>, progress: Progress): Promise<PackManifest> {
  const withIds: PackImage[] = [];
  for (const image of images) {
    const inspected = await docker.getImage(image.tag).inspect().catch(() => undefined);
    if (!inspected) throw new PackError(`${image.tag} is not on this engine. Run npm start once (it builds every image) before exporting.`);
    withIds.push({ ...image, id: inspected.Id });
  }
  const partial = `${file}.part-${process.pid}`;
  progress(`saving ${withIds.length} images to ${file}`);
  try {
    const archive = await (docker as unknown as SavesImages).getImages({ names: withIds.map((i) => i.tag) });
    const meter = measuring((bytes) => progress(`  ${Math.round(bytes / MiB)} MiB written`));
    await pipeline(archive, meter, fs.createWriteStream(partial));
    const manifest: PackManifest = {
      format: PACK_FORMAT,
      version: PACK_VERSION,
      created: new Date().toISOString(),
      slipway: slipwayVersion(),
      images: withIds,
      archive: { bytes: meter.bytes(), sha256: meter.digest() },
    };
    const text = Buffer.from(JSON.stringify(manifest));
    fs.appendFileSync(partial, Buffer.concat([text, Buffer.from(`${PACK_FORMAT}:${String(text.length).padStart(12, '0')}\n`)]));
    fs.renameSync(partial, file);
    progress(`wrote ${file}: ${(fs.statSync(file).size / MiB).toFixed(0)} MiB, ${withIds.length} images`);
    return manifest;
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** Reads and checks the manifest at the end of `file`; the archive itself is checked by `verifyArchive`. */
export function readManifest(file: string): PackManifest {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const footer = Buffer.alloc(FOOTER_LENGTH);
    if (size < FOOTER_LENGTH || fs.readSync(fd, footer, 0, FOOTER_LENGTH, size - FOOTER_LENGTH) !== FOOTER_LENGTH) {
      throw new PackError(`${file} is not a Slipway image pack (too short). Make one with npm run images -- export FILE.`);
    }
    const match = new RegExp(`^${PACK_FORMAT}:(\\d{12})\\n$`).exec(footer.toString('latin1'));
    if (!match) throw new PackError(`${file} is not a Slipway image pack (no pack footer): a foreign or truncated file. Make one with npm run images -- export FILE.`);
    const length = Number(match[1]);
    if (length <= 0 || length > size - FOOTER_LENGTH) throw new PackError(`${file} is damaged: its manifest length does not fit the file.`);
    const text = Buffer.alloc(length);
    fs.readSync(fd, text, 0, length, size - FOOTER_LENGTH - length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.toString('utf8'));
    } catch {
      throw new PackError(`${file} is damaged: its manifest is not readable.`);
    }
    const result = manifestSchema.safeParse(parsed);
    if (!result.success) throw new PackError(`${file} is damaged or not a pack this version understands: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const manifest = result.data;
    if (manifest.version !== PACK_VERSION) throw new PackError(`${file} is a pack of format version ${manifest.version}; this Slipway reads version ${PACK_VERSION}.`);
    if (manifest.archive.bytes !== size - FOOTER_LENGTH - length) throw new PackError(`${file} is damaged: it should hold ${manifest.archive.bytes} bytes of images, it holds ${size - FOOTER_LENGTH - length}.`);
    return manifest;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The images this checkout would build from the pack's base must be the pack's own: a pack made
 * by another version of Slipway would leave `npm start` rebuilding them, which needs the network.
 */
export function checkVersions(manifest: PackManifest): void {
  const base = manifest.images.find((i) => i.role === 'base');
  if (!base) throw new PackError('The pack holds no base image.');
  const mismatched: string[] = [];
  for (const image of manifest.images) {
    if (!image.folder) continue;
    const folder = path.join(IMAGES_DIR, image.folder);
    if (!fs.existsSync(folder)) {
      mismatched.push(`${image.tag} (this version has no ${image.folder}/)`);
      continue;
    }
    const wanted = `${image.tag.split(':')[0]}:${folderHash(folder, base.id)}`;
    if (wanted !== image.tag) mismatched.push(`${image.tag} (this version needs ${wanted})`);
  }
  const catalog = readCatalog().map((e) => `standins/${e.dir}`);
  for (const folder of ['sandbox', 'mirror', ...catalog]) {
    if (!manifest.images.some((i) => i.folder === folder)) mismatched.push(`no image for ${folder}/`);
  }
  if (mismatched.length > 0) {
    throw new PackError(`The pack was made by another version of Slipway (${manifest.slipway}, ${manifest.created}); its images do not match this checkout: ${mismatched.join('; ')}. Export a pack from the same version.`);
  }
}

/** Reads the archive part of the pack once, comparing its size and SHA-256 with the manifest's. */
export async function verifyArchive(file: string, manifest: PackManifest, progress: Progress): Promise<void> {
  if (manifest.archive.bytes === 0) throw new PackError(`${file} holds no images.`);
  const meter = measuring((bytes) => progress(`  checked ${Math.round(bytes / MiB)} of ${Math.round(manifest.archive.bytes / MiB)} MiB`), 250 * MiB);
  await pipeline(fs.createReadStream(file, { start: 0, end: manifest.archive.bytes - 1 }), meter, async function* (source) {
    for await (const _ of source) void _;
  });
  if (meter.digest() !== manifest.archive.sha256) throw new PackError(`${file} is damaged: its images' SHA-256 is not the one recorded when it was made. Copy it again.`);
}

/**
 * Checks the pack (footer, manifest, versions, digest) and only then loads it. When the engine
 * fails part-way, or an image comes out with another id than the manifest's, every tag of the
 * pack that was not on the engine before is removed again: nothing is left half-loaded.
 */
export async function importPack(docker: Docker, file: string, progress: Progress, options: { checkVersions?: boolean } = {}): Promise<PackManifest> {
  if (!fs.existsSync(file)) throw new PackError(`There is no file ${file}.`);
  const manifest = readManifest(file);
  if (options.checkVersions !== false) checkVersions(manifest);
  progress(`checking ${file}: ${manifest.images.length} images made ${manifest.created} by Slipway ${manifest.slipway}`);
  await verifyArchive(file, manifest, progress);
  const before = new Set<string>();
  for (const image of manifest.images) if (await docker.getImage(image.tag).inspect().then(() => true, () => false)) before.add(image.tag);
  progress(`loading ${manifest.images.length} images into the engine`);
  try {
    const stream = await docker.loadImage(fs.createReadStream(file, { start: 0, end: manifest.archive.bytes - 1 }), { quiet: true });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
        const failure = err?.message ?? output.find((o) => o.error)?.error;
        if (failure) reject(new PackError(`The engine could not load the pack: ${failure}`));
        else resolve();
      }),
    );
    for (const image of manifest.images) {
      const loaded = await docker.getImage(image.tag).inspect().catch(() => undefined);
      if (!loaded) throw new PackError(`${image.tag} is not on the engine after loading the pack.`);
      if (loaded.Id !== image.id) throw new PackError(`${image.tag} came out as ${loaded.Id}, not the pack's ${image.id}.`);
    }
  } catch (err) {
    for (const image of manifest.images) {
      if (!before.has(image.tag)) await docker.getImage(image.tag).remove({ noprune: false }).catch(() => undefined);
    }
    throw err instanceof PackError ? err : new PackError(`Loading the pack failed, and what it loaded was removed again: ${(err as Error).message}`);
  }
  progress(`loaded ${manifest.images.length} images (${manifest.images.filter((i) => before.has(i.tag)).length} were already here)`);
  return manifest;
}
