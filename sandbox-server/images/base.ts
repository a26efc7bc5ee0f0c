// The Debian trixie base every Slipway image is built on. Made once per engine: pulled when
// Docker Hub answers, else with debootstrap from Debian's mirror, run inside a container of a
// Debian image already on the engine (so the host needs only Node and a Docker Engine), or on
// the host itself for the very first build on an engine that holds no such image.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { labels } from '../labels.js';
import { IMAGE_LABELS, imageExists, type Progress } from './build.js';

export const BASE_TAG = 'slipway/base:trixie';

// Removed from the debootstrap tree to get near the official slim image's size.
const TRIM = ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'usr/share/info'];

export async function ensureBase(docker: Docker, online: boolean, debianMirror: string, progress: Progress, instance: string): Promise<string> {
  if (await imageExists(docker, BASE_TAG)) return BASE_TAG;
  if (online && (await pullBase(docker, progress))) return BASE_TAG;
  const builder = await findBootstrapImage(docker);
  if (builder) {
    await bootstrapInContainer(docker, { from: builder, tag: BASE_TAG, debianMirror, instance }, progress);
    return BASE_TAG;
  }
  await debootstrapBase(docker, debianMirror, progress);
  return BASE_TAG;
}

/**
 * Debian images that can run debootstrap (they have apt to install it), best first: Slipway's
 * own (a stand-in, the sandbox or mirror image, from an earlier build or an imported pack),
 * then Debian's official images where they were pulled before.
 */
const BOOTSTRAP_FROM = [/^slipway\/standin-debian:/, /^slipway\/sandbox:/, /^slipway\/mirror:/, /^debian:(trixie|13|stable|latest|bookworm|12)/];

export async function findBootstrapImage(docker: Docker): Promise<string | undefined> {
  const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
  for (const pattern of BOOTSTRAP_FROM) {
    const found = tags.find((t) => pattern.test(t));
    if (found) return found;
  }
  return undefined;
}

/** Shell for the builder: get debootstrap from `MIRROR`, bootstrap trixie into /rootfs, trim it. */
const BOOTSTRAP_SCRIPT = `set -e
export DEBIAN_FRONTEND=noninteractive
if ! command -v debootstrap >/dev/null 2>&1; then
  rm -f /etc/apt/sources.list.d/*
  echo "deb $MIRROR trixie main" > /etc/apt/sources.list
  apt-get update -q
  apt-get install -y -q --no-install-recommends debootstrap
fi
debootstrap --variant=minbase trixie /rootfs "$MIRROR"
cd /rootfs
rm -rf ${TRIM.join(' ')}
mkdir -p var/lib/apt/lists/partial
echo slipway-bootstrap-done
`;

const BOOTSTRAP_TIMEOUT_MS = 15 * 60_000;

/**
 * Builds `tag` as a Debian trixie root made by debootstrap inside a container of `from`, then
 * imported from that container's /rootfs. The container carries the installation's labels and
 * is removed, whatever happens; nothing is imported unless debootstrap finished.
 */
export async function bootstrapInContainer(docker: Docker, options: { from: string; tag: string; debianMirror: string; instance: string }, progress: Progress): Promise<void> {
  progress(`building the Debian trixie base with debootstrap from ${options.debianMirror}, inside a container of ${options.from} (about a minute, first start only)`);
  const container = await docker.createContainer({
    Image: options.from,
    Entrypoint: ['sh', '-c', BOOTSTRAP_SCRIPT],
    Cmd: [],
    Env: [`MIRROR=${options.debianMirror}`],
    Labels: labels(options.instance, 'probe'),
    // The sandbox image declares a volume for its engine's data: a tmpfs there leaves none behind.
    HostConfig: { AutoRemove: false, Mounts: [{ Type: 'tmpfs', Source: '', Target: '/var/lib/docker' }] },
  });
  try {
    const attached = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const output = new PassThrough();
    docker.modem.demuxStream(attached, output, output);
    let lines = 0;
    let last = '';
    output.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').map((l) => l.trim()).filter(Boolean)) {
        last = line;
        if (++lines % 40 === 0) progress(`  debootstrap: ${line.slice(0, 100)}`);
      }
    });
    await container.start();
    const waited = (await Promise.race([
      container.wait(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`debootstrap did not finish within ${BOOTSTRAP_TIMEOUT_MS / 60_000} min`)), BOOTSTRAP_TIMEOUT_MS).unref()),
    ])) as { StatusCode: number };
    if (waited.StatusCode !== 0) throw new Error(`debootstrap in a container of ${options.from} failed with code ${waited.StatusCode}: ${last}`);
    progress('importing the base image');
    const [repo, tag] = options.tag.split(':') as [string, string];
    const root = (await container.getArchive({ path: '/rootfs/.' })) as NodeJS.ReadableStream;
    const changes = Object.entries(IMAGE_LABELS).map(([key, value]) => `LABEL ${key}=${value}`);
    const stream = await docker.importImage(root as unknown as string, { repo, tag, changes });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    await docker.getImage(options.tag).inspect();
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

async function pullBase(docker: Docker, progress: Progress): Promise<boolean> {
  progress('pulling debian:trixie-slim as the base image');
  try {
    const stream = await docker.pull('debian:trixie-slim');
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    await docker.getImage('debian:trixie-slim').tag({ repo: 'slipway/base', tag: 'trixie' });
    return true;
  } catch (err) {
    progress(`pull failed (${(err as Error).message.split('\n')[0]}); building the base with debootstrap instead`);
    return false;
  }
}

async function debootstrapBase(docker: Docker, debianMirror: string, progress: Progress): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-base-'));
  try {
    progress(`building the Debian trixie base with the host's debootstrap from ${debianMirror} (about 30 s; only when the engine holds no Debian image to do it in a container)`);
    await runLogged('debootstrap', ['--variant=minbase', 'trixie', root, debianMirror], progress, 'debootstrap');
    for (const dir of TRIM) fs.rmSync(path.join(root, dir), { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'var/lib/apt/lists/partial'), { recursive: true });
    progress('importing the base image');
    const tarProcess = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const changes = Object.entries(IMAGE_LABELS).map(([key, value]) => `LABEL ${key}=${value}`);
    const stream = await docker.importImage(tarProcess.stdout as unknown as string, { repo: 'slipway/base', tag: 'trixie', changes });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
    await docker.getImage(BASE_TAG).inspect();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function runLogged(command: string, args: string[], progress: Progress, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = '';
    let lines = 0;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        last = line;
        // debootstrap prints hundreds of lines; one in 40 is enough to show it is moving.
        if (++lines % 40 === 0 || /^I: (Retrieving|Validating|Extracting|Installing|Base system)/.test(line) && lines % 10 === 0) progress(`  ${label}: ${line.slice(0, 100)}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error(
              `The engine holds no Debian image to build the base in, and ${command} is not installed on this host for the very first build. Either import an image pack (npm run images -- import FILE), or install ${command} once (Debian or Ubuntu: apt-get install -y ${command}), or set SLIPWAY_IMAGES=online where Docker Hub is reachable.`,
            )
          : err,
      ),
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed with code ${code}: ${last}`))));
  });
}
