// The image pack, on the real engine. The engine is shared, so the round trip uses tags of its
// own on two small stand-ins (removing a tag never removes the image another tag holds): the
// pack is written, its tags removed, and loading it brings them back with the same ids. A
// damaged, truncated or foreign file, a pack of another version and one whose images come out
// other than its manifest says are all refused with the reason, and leave none of its tags.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { checkVersions, exportPack, importPack, neededImages, PACK_FORMAT, PackError, readManifest, type PackManifest } from '../../sandbox-server/images/pack.js';
import { requireEngine } from '../support/engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-pack-test-'));
const pack = path.join(dir, 'small.slipway');
const quiet = () => undefined;

async function has(docker: Docker, tag: string): Promise<boolean> {
  return docker.getImage(tag).inspect().then(() => true, () => false);
}

/** The pack with its manifest replaced (footer recomputed), the images' archive untouched. */
function withManifest(source: string, target: string, change: (m: PackManifest) => PackManifest): void {
  const manifest = readManifest(source);
  const archive = fs.readFileSync(source).subarray(0, manifest.archive.bytes);
  const text = Buffer.from(JSON.stringify(change(manifest)));
  fs.writeFileSync(target, Buffer.concat([archive, text, Buffer.from(`${PACK_FORMAT}:${String(text.length).padStart(12, '0')}\n`)]));
}

async function refused(docker: Docker, file: string, pattern: RegExp, tags: string[], options?: { checkVersions?: boolean }): Promise<void> {
  await assert.rejects(importPack(docker, file, quiet, options), (err: Error) => {
    assert.ok(err instanceof PackError, `a PackError, got ${err.stack}`);
    assert.match(err.message, pattern);
    return true;
  });
  for (const tag of tags) assert.equal(await has(docker, tag), false, `${tag} was left on the engine by a refused pack`);
}

describe('the image pack', () => {
  let docker: Docker;
  const tags = [`slipway/test-pack-hello:${process.pid}`, `slipway/test-pack-busybox:${process.pid}`];
  const ids: string[] = [];

  before(async () => {
    docker = await requireEngine();
    for (const [i, name] of ['slipway/standin-hello-world', 'slipway/standin-busybox'].entries()) {
      const [image] = await docker.listImages({ filters: JSON.stringify({ reference: [name] }) });
      assert.ok(image, `${name} is on the engine (tests/run.ts builds the stand-ins first)`);
      const [repo, tag] = tags[i]!.split(':') as [string, string];
      await docker.getImage(image.Id).tag({ repo, tag });
      ids.push(image.Id);
    }
  });

  after(async () => {
    for (const tag of tags) await docker.getImage(tag).remove().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round trip: written with a manifest, its tags removed, loaded back with the same ids', async () => {
    const lines: string[] = [];
    const manifest = await exportPack(docker, pack, tags.map((tag) => ({ role: 'standin' as const, tag })), (l) => lines.push(l));
    assert.deepEqual(manifest.images.map((i) => i.id), ids);
    assert.equal(readManifest(pack).archive.sha256, manifest.archive.sha256);
    assert.deepEqual(fs.readdirSync(dir), ['small.slipway'], 'no partial file left beside it');
    for (const tag of tags) await docker.getImage(tag).remove();
    await importPack(docker, pack, quiet, { checkVersions: false });
    for (const [i, tag] of tags.entries()) assert.equal((await docker.getImage(tag).inspect()).Id, ids[i]);
  });

  it('a damaged, truncated or foreign file is refused before the engine sees it', async () => {
    for (const tag of tags) await docker.getImage(tag).remove();
    const damaged = path.join(dir, 'damaged.slipway');
    const bytes = fs.readFileSync(pack);
    bytes[Math.floor(readManifest(pack).archive.bytes / 2)]! ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    await refused(docker, damaged, /damaged: its images' SHA-256/, tags, { checkVersions: false });

    const truncated = path.join(dir, 'truncated.slipway');
    fs.writeFileSync(truncated, fs.readFileSync(pack).subarray(0, 100_000));
    await refused(docker, truncated, /not a Slipway image pack/, tags, { checkVersions: false });

    const foreign = path.join(dir, 'foreign.tar');
    fs.writeFileSync(foreign, crypto.randomBytes(64 * 1024));
    await refused(docker, foreign, /not a Slipway image pack/, tags);

    const garbled = path.join(dir, 'garbled.slipway');
    withManifest(pack, garbled, (m) => ({ ...m, archive: { ...m.archive, bytes: m.archive.bytes + 1 } }));
    await refused(docker, garbled, /damaged: it should hold/, tags, { checkVersions: false });
    await refused(docker, path.join(dir, 'missing.slipway'), /There is no file/, tags);
  });

  it('a pack whose images come out other than its manifest says is undone: none of its tags stay', async () => {
    const lying = path.join(dir, 'lying.slipway');
    withManifest(pack, lying, (m) => ({ ...m, images: m.images.map((i, n) => (n === 1 ? { ...i, id: `sha256:${'0'.repeat(64)}` } : i)) }));
    await refused(docker, lying, /came out as/, tags, { checkVersions: false });
  });

  it('a pack of another version is refused, naming what differs; the images this checkout needs pass', async () => {
    const other = path.join(dir, 'other.slipway');
    withManifest(pack, other, (m) => ({
      ...m,
      images: [
        { role: 'base', tag: 'slipway/base:trixie', id: m.images[0]!.id },
        { role: 'sandbox', folder: 'sandbox', tag: 'slipway/sandbox:000000000000', id: m.images[1]!.id },
      ],
    }));
    await refused(docker, other, /another version of Slipway.*slipway\/sandbox:000000000000 \(this version needs slipway\/sandbox:[0-9a-f]{12}\).*no image for mirror\//, tags);

    // What `npm run images -- export` would write for this checkout passes the same check.
    const needed = await neededImages(docker);
    const images = await Promise.all(needed.map(async (i) => ({ ...i, id: (await docker.getImage(i.tag).inspect()).Id })));
    assert.deepEqual(new Set(needed.map((i) => i.role)), new Set(['base', 'sandbox', 'mirror', 'standin']));
    checkVersions({ format: PACK_FORMAT, version: 1, created: '', slipway: '', images, archive: { bytes: 1, sha256: '0'.repeat(64) } });
  });
});
