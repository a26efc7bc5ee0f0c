// The operator's side of the Python package index: wheels and sdists added from the host go
// into the index's volume inside the image mirror's container (through the engine, never
// through the index's HTTP port, which sandboxes reach and which only reads), and its simple
// pages are written again from every file it then holds. Also what the index holds, for doctor.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { execInMirror, MIRROR_CONTAINER, PYPI_ROOT } from '../images/mirror.js';
import { indexPages, parseCachedFiles, parseChecksums, parseDistribution, type Distribution } from './python-index.js';

/** A refusal in words for the operator (the command prints it without a stack). */
export class WheelError extends Error {}

const LOCAL = `${PYPI_ROOT}/local`;

/** Zip (wheels, .zip sdists) and gzip (.tar.gz sdists) open with these bytes. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** Refuses, saying why, a file that is not a distribution pip could install. */
export function checkDistributionFile(file: string): Distribution {
  const filename = path.basename(file);
  const parsed = parseDistribution(filename);
  if ('problem' in parsed) throw new WheelError(`${file}: refused, ${parsed.problem}`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new WheelError(`${file}: no such file`);
  }
  if (!stat.isFile()) throw new WheelError(`${file}: refused, not a file`);
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  const gzip = filename.endsWith('.tar.gz');
  if (!head.subarray(0, gzip ? 2 : 4).equals(gzip ? GZIP_MAGIC : ZIP_MAGIC)) throw new WheelError(`${file}: refused, its name says ${parsed.kind === 'wheel' ? 'a wheel' : 'a source distribution'} but it is not ${gzip ? 'a gzip' : 'a zip'} archive`);
  return parsed;
}

/** Runs a command in the mirror container (execInMirror), naming a mirror that is not running in the operator's words. */
function inMirror(docker: Docker, cmd: string[]): Promise<string> {
  return execInMirror(docker, cmd).catch((err: { statusCode?: number }) => {
    if (err.statusCode === 404 || err.statusCode === 409) throw new WheelError(`The image mirror (${MIRROR_CONTAINER}), which holds the Python index, is not running: start Slipway once (npm start) and try again.`);
    throw err;
  });
}

async function tarOf(entries: Array<{ name: string; content: Buffer }>): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const entry of entries) pack.entry({ name: entry.name, mode: 0o644, uid: 0, gid: 0 }, entry.content);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * Writes the simple pages again from every file the index holds, into a new folder that then
 * takes the old one's place, so that pip never reads a half-written page.
 */
export async function writeIndexPages(docker: Docker): Promise<number> {
  const held = parseChecksums(await inMirror(docker, ['find', `${LOCAL}/files`, '-maxdepth', '1', '-type', 'f', '-exec', 'sha256sum', '{}', '+']));
  const pages = indexPages(held);
  const fresh = `simple.${crypto.randomBytes(6).toString('hex')}`;
  const tar = await tarOf([...pages].map(([name, html]) => ({ name: `${fresh}/${name.replace(/^simple\//, '')}`, content: Buffer.from(html) })));
  await docker.getContainer(MIRROR_CONTAINER).putArchive(tar, { path: LOCAL });
  await inMirror(docker, ['sh', '-c', `set -e; cd ${LOCAL}; chmod -R a+rX ${fresh}; old=simple.old.$$; if [ -e simple ]; then mv simple "$old"; fi; mv ${fresh} simple; rm -rf "$old"`]);
  return pages.size - 1;
}

/**
 * Adds wheels and sdists to the index: every file is checked first and one bad file refuses
 * them all, so the index holds only what the operator meant. A file of the same name is
 * replaced.
 */
export async function addDistributions(docker: Docker, files: string[], progress: (line: string) => void): Promise<void> {
  if (files.length === 0) throw new WheelError('Name the wheels (.whl) or source distributions (.tar.gz) to add.');
  const checked = files.map((file) => ({ file, dist: checkDistributionFile(file) }));
  const names = checked.map((c) => c.dist.filename);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new WheelError(`${twice} is named twice`);
  await inMirror(docker, ['mkdir', '-p', `${LOCAL}/files`]);
  // One at a time, so that only one file is in memory however many are added.
  for (const { file, dist } of checked) {
    await docker.getContainer(MIRROR_CONTAINER).putArchive(await tarOf([{ name: `files/${dist.filename}`, content: fs.readFileSync(file) }]), { path: LOCAL });
    progress(`added ${dist.filename} (${dist.project} ${dist.version})`);
  }
  const projects = await writeIndexPages(docker);
  progress(`the Python index lists ${projects} project(s)`);
}

/** Takes files the operator added out of the index (by their file names), and writes its pages again. */
export async function removeDistributions(docker: Docker, filenames: string[], progress: (line: string) => void): Promise<void> {
  if (filenames.length === 0) throw new WheelError('Name the files to remove, as doctor lists them (such as slipway_hello-0.1.0-py3-none-any.whl).');
  const { added } = await pythonIndexHeld(docker);
  for (const filename of filenames) {
    // A distribution's name has no slash and no leading dot: it cannot name anything outside the folder.
    const parsed = parseDistribution(filename);
    if ('problem' in parsed) throw new WheelError(`${filename}: not a file name the index holds, ${parsed.problem}`);
    if (!added.includes(filename)) throw new WheelError(`${filename} is not in the Python index (it holds ${added.length ? added.join(', ') : 'nothing the operator added'})`);
  }
  await inMirror(docker, ['rm', '-f', '--', ...filenames.map((f) => `${LOCAL}/files/${f}`)]);
  for (const filename of filenames) progress(`removed ${filename}`);
  const projects = await writeIndexPages(docker);
  progress(`the Python index lists ${projects} project(s)`);
}

export interface PythonIndexHolding {
  /** Files the operator added. */
  added: string[];
  /** Files fetched from PyPI (online) and kept. */
  fetched: string[];
}

/** What the Python index holds; throws when the mirror container is not running. */
export async function pythonIndexHeld(docker: Docker): Promise<PythonIndexHolding> {
  const added = (await inMirror(docker, ['find', `${LOCAL}/files`, '-maxdepth', '1', '-type', 'f', '-printf', '%f\\n'])).split('\n').filter(Boolean).sort();
  // Each cache file holds its key on a line of its own near its start.
  const keys = await inMirror(docker, ['sh', '-c', `find ${PYPI_ROOT}/cache -type f -exec grep -a -h -m1 '^KEY: ' {} + 2>/dev/null || true`]);
  return { added, fetched: parseCachedFiles(keys) };
}
