// The Debian trixie base every Slipway image is built on. Made once per engine with
// debootstrap (works offline with only Debian's mirror), or pulled when Docker Hub answers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { IMAGE_LABELS, imageExists, type Progress } from './build.js';

export const BASE_TAG = 'slipway/base:trixie';

// Removed from the debootstrap tree to get near the official slim image's size.
const TRIM = ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'usr/share/info'];

export async function ensureBase(docker: Docker, online: boolean, debianMirror: string, progress: Progress): Promise<string> {
  if (await imageExists(docker, BASE_TAG)) return BASE_TAG;
  if (online && (await pullBase(docker, progress))) return BASE_TAG;
  await debootstrapBase(docker, debianMirror, progress);
  return BASE_TAG;
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
    progress(`building the Debian trixie base with debootstrap from ${debianMirror} (about 30 s, first start only)`);
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
      reject(err.code === 'ENOENT' ? new Error(`${command} is not installed. On Debian or Ubuntu: apt-get install -y ${command}. Or set SLIPWAY_IMAGES=online where Docker Hub is reachable.`) : err),
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed with code ${code}: ${last}`))));
  });
}
