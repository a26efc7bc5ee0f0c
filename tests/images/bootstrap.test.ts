// The Debian base built with no tool on the host: debootstrap runs inside a container of a
// Debian image already on the engine, and its root becomes an image that runs. Built under a
// tag of its own, so the engine's real base is never replaced, and removed afterwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapInContainer, findBootstrapImage } from '../../sandbox-server/images/base.js';
import { LABEL } from '../../sandbox-server/labels.js';
import { requireEngine } from '../support/engine.js';
import { testConfig } from '../support/server.js';

const INSTANCE = 'test-bootstrap';

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
      await bootstrapInContainer(docker, { from, tag, debianMirror: config.debianMirror, instance: INSTANCE }, (line) => lines.push(line));
      console.log(`  bootstrap in a container of ${from}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
