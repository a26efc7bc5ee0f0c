// `npm run clean`, run as an operator who is done would: it removes what an installation left on
// the engine (a sandbox with its volume, the sandbox network) and prints each object; a dry run
// removes nothing; another installation's objects stay unless it is named, and so do the shared
// mirror and images while any other installation is there; what is not Slipway's is never
// touched; the data folder goes only when asked, and only when it is Slipway's.
// Runs alone: what clean removes of the shared mirror and images depends on which other installations are on the engine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { MIRROR_CONTAINER } from '../../sandbox-server/images/mirror.js';
import { LABEL, names } from '../../sandbox-server/labels.js';
import { removeTestInstallation, startTestServer } from '../support/server.js';
import { recordTestInstance } from '../support/test-run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const INSTANCE = 'test-clean';
const OTHER = 'test-clean-other';
/**
 * An installation present for the whole file: with one there, a cleanup keeps the mirror and
 * the images, which the rest of the suite (and anyone else on this engine) still needs.
 */
const BYSTANDER = 'test-clean-bystander';
/** Named like Slipway's objects, but without its labels: someone else's. */
const LOOKALIKE = `slipway-${INSTANCE}-lookalike`;
const docker = new Docker();

interface Run {
  code: number;
  out: string;
}

function clean(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sandbox-server', 'clean', 'main.ts'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }),
    );
  });
}

async function objectsOf(instance: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`${LABEL.instance}=${instance}`] });
  const [containers, { Volumes: volumes = [] }, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
  return [...containers.map((c) => `container ${c.Names[0]!.slice(1)}`), ...volumes.map((v) => `volume ${v.Name}`), ...networks.map((n) => `network ${n.Name}`)].sort();
}

const exists = (volume: string) => docker.getVolume(volume).inspect().then(() => true, () => false);

describe('npm run clean', () => {
  let dataDir: string;
  let sandboxId: string;
  let env: Record<string, string>;

  before(async () => {
    recordTestInstance(OTHER);
    recordTestInstance(BYSTANDER);
    await docker.createVolume({ Name: `slipway-${BYSTANDER}-data`, Labels: { [LABEL.instance]: BYSTANDER, [LABEL.role]: 'sandbox' } });
    // A server makes a sandbox, then stops as an operator stops it: the sandbox and network stay.
    const server = await startTestServer({ SLIPWAY_INSTANCE: INSTANCE });
    dataDir = server.dataDir;
    env = { SLIPWAY_INSTANCE: INSTANCE, SLIPWAY_DATA_DIR: dataDir };
    const session = server.sessions.create();
    sandboxId = (await server.sessions.ensureSandbox(session)).id;
    await server.stop();
    await docker.createVolume({ Name: `slipway-${OTHER}-data`, Labels: { [LABEL.instance]: OTHER, [LABEL.role]: 'sandbox' } });
    await docker.createVolume({ Name: LOOKALIKE });
  });

  after(async () => {
    await docker.getVolume(LOOKALIKE).remove().catch(() => undefined);
    await removeTestInstallation(OTHER);
    await removeTestInstallation(INSTANCE);
    await removeTestInstallation(BYSTANDER);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists what it would remove in a dry run, and removes nothing', async () => {
    const before = await objectsOf(INSTANCE);
    assert.deepEqual(before, [`container ${names.sandboxContainer(INSTANCE, sandboxId)}`, `network ${names.network(INSTANCE)}`, `volume ${names.sandboxVolume(INSTANCE, sandboxId)}`].sort());
    const run = await clean(['--dry-run'], env);
    assert.equal(run.code, 0, run.out);
    for (const object of before) assert.match(run.out, new RegExp(`would remove ${object} `));
    assert.match(run.out, /Would remove 1 container, 1 volume, 1 network\./);
    assert.deepEqual(await objectsOf(INSTANCE), before);
  });

  it("refuses what it is not told: two targets at once, a name that is no installation's, another installation's data folder", async () => {
    const both = await clean(['--instance', OTHER, '--all'], env);
    assert.equal(both.code, 2, both.out);
    assert.match(both.out, /either --instance NAME or --all/);
    const badName = await clean(['--instance', 'Not A Name'], env);
    assert.equal(badName.code, 2, badName.out);
    const otherData = await clean(['--instance', OTHER, '--data'], env);
    assert.equal(otherData.code, 2, otherData.out);
    assert.match(otherData.out, /data folder of installation "test-clean"/);
    assert.equal(await exists(`slipway-${OTHER}-data`), true);
    assert.equal(fs.existsSync(dataDir), true);
  });

  it("removes the installation's objects and says so; another installation's, the shared mirror and what is not Slipway's stay", async () => {
    const run = await clean([], env);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, new RegExp(`removed container ${names.sandboxContainer(INSTANCE, sandboxId)} \\(sandbox ${sandboxId}\\)`));
    assert.match(run.out, new RegExp(`removed volume ${names.sandboxVolume(INSTANCE, sandboxId)} `));
    assert.match(run.out, new RegExp(`removed network ${names.network(INSTANCE)} `));
    assert.match(run.out, /kept: installations? .*"test-clean-other"/);
    assert.match(run.out, /Removed 1 container, 1 volume, 1 network\./);
    assert.deepEqual(await objectsOf(INSTANCE), []);
    assert.equal(await exists(`slipway-${OTHER}-data`), true, "another installation's volume");
    assert.equal(await exists(LOOKALIKE), true, "a volume that only looks like Slipway's");
    assert.ok(await docker.getContainer(MIRROR_CONTAINER).inspect(), 'the shared image mirror');
    // The sandbox's socket folder went with it; the data folder was not asked for.
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'sandboxes')), []);
    assert.equal(fs.existsSync(path.join(dataDir, 'slipway.db')), true);

    const again = await clean([], env);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /nothing on this engine/);
  });

  it('removes another installation when named', async () => {
    const run = await clean(['--instance', OTHER], env);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, new RegExp(`removed volume slipway-${OTHER}-data `));
    assert.deepEqual(await objectsOf(OTHER), []);
    assert.equal(await exists(LOOKALIKE), true);
    assert.match(run.out, /kept: installations? .*"test-clean-bystander"/);
  });

  it('deletes the data folder when asked, and only a folder that holds a Slipway store', async () => {
    const stranger = fs.mkdtempSync(path.join(os.tmpdir(), 'not-slipway-'));
    fs.writeFileSync(path.join(stranger, 'notes.txt'), 'mine');
    try {
      const refused = await clean(['--data'], { ...env, SLIPWAY_DATA_DIR: stranger });
      assert.match(refused.out, /kept .*not-slipway-.*no slipway\.db/);
      assert.equal(fs.readFileSync(path.join(stranger, 'notes.txt'), 'utf8'), 'mine');
    } finally {
      fs.rmSync(stranger, { recursive: true, force: true });
    }
    const run = await clean(['--data'], env);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /deleted the data folder/);
    assert.equal(fs.existsSync(dataDir), false);
  });
});
