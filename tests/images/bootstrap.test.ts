// The Debian base built with no tool on the host: debootstrap runs inside a container of a
// Debian image already on the engine, and its root becomes an image that runs. Built under a
// tag of its own, so the engine's real base is never replaced, and removed afterwards. Where
// SLIPWAY_TEST_USER names a user who is not root (.ci/run makes one, in the docker group), the
// build runs as that user with neither debootstrap nor iptables on its PATH.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bootstrapInContainer, findBootstrapImage } from '../../sandbox-server/images/base.js';
import { LABEL } from '../../sandbox-server/labels.js';
import { requireEngine } from '../support/engine.js';
import { testConfig } from '../support/server.js';

const INSTANCE = 'test-bootstrap';
const USER = process.env.SLIPWAY_TEST_USER ?? '';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the build as USER, in a process of its own with no sbin folder on its PATH. */
function bootstrapAsUser(options: { from: string; tag: string; debianMirror: string; instance: string }): string[] {
  const PATH = [...new Set([path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'])].join(':');
  const base = pathToFileURL(path.join(root, 'sandbox-server/images/base.ts')).href;
  const script = `import Docker from 'dockerode';
import { bootstrapInContainer } from ${JSON.stringify(base)};
try {
  await bootstrapInContainer(new Docker(), ${JSON.stringify(options)}, (line) => console.log(line));
} catch (err) {
  console.error(err.message);
  process.exit(1);
}`;
  const result = spawnSync('runuser', ['-u', USER, '--', 'env', '-i', `PATH=${PATH}`, 'HOME=/tmp', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 20 * 60_000 });
  assert.equal(result.status, 0, `the build as ${USER} failed:\n${result.stdout}${result.stderr}`);
  assert.doesNotMatch(`${result.stdout}`, /host's debootstrap/, 'built in a container, not with a host tool');
  return result.stdout.split('\n');
}

describe('the base image built inside a container', () => {
  it('debootstraps trixie in a container of an image on the engine; the result runs Debian 13 with apt', async () => {
    const docker = await requireEngine();
    const config = testConfig({ SLIPWAY_INSTANCE: INSTANCE });
    const from = await findBootstrapImage(docker);
    assert.ok(from, 'an image to bootstrap in is on the engine (tests/run.ts builds them first)');
    const tag = `slipway/test-bootstrap:${process.pid}`;
    const lines: string[] = [];
    try {
      const started = Date.now();
      const options = { from, tag, debianMirror: config.debianMirror, instance: INSTANCE };
      if (USER) lines.push(...bootstrapAsUser(options));
      else await bootstrapInContainer(docker, options, (line) => lines.push(line));
      console.log(`  bootstrap in a container of ${from}${USER ? ` as ${USER}` : ''}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const image = await docker.getImage(tag).inspect();
      assert.equal(image.Config.Labels?.[LABEL.role], 'image', 'labelled as a Slipway image, so npm run clean finds it');
      const container = await docker.createContainer({ Image: tag, Cmd: ['sh', '-c', 'cat /etc/debian_version && apt-get --version | head -n 1 && test -d /var/lib/apt/lists/partial && test ! -d /usr/share/doc'], Tty: true, Labels: { [LABEL.instance]: INSTANCE, [LABEL.role]: 'probe' } });
      try {
        await container.start();
        const { StatusCode } = (await container.wait()) as { StatusCode: number };
        const said = ((await container.logs({ stdout: true, stderr: true })) as Buffer).toString();
        assert.equal(StatusCode, 0, said);
        assert.match(said, /^13\./, `Debian 13 (trixie): ${said}`);
        assert.match(said, /apt \d/);
      } finally {
        await container.remove({ force: true, v: true });
      }
      assert.ok(lines.some((l) => l.includes(`inside a container of ${from}`)), lines.join('\n'));
    } finally {
      await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
  });
});
