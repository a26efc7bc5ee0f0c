// Runs last in every `npm test` (tests/run.ts puts it after the others): the run left nothing on
// the Docker Engine. No container, volume or network of an installation a test started (each
// test server notes its own), and nothing new since the snapshot run.ts took before the first
// test that names no installation: no anonymous volume, network, untagged image or container.
// The image mirror and Slipway's images are shared with every installation and stay; other
// installations (an operator's own, another run's) are not counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireEngine } from '../support/engine.js';
import { leftoversSince, type Leftovers } from '../support/leftovers.js';
import { readTestRun } from '../support/test-run.js';

const describeLeftovers = (l: Leftovers) =>
  (Object.entries(l) as Array<[string, string[]]>)
    .filter(([, names]) => names.length > 0)
    .map(([kind, names]) => `${kind}: ${names.join(', ')}`)
    .join('\n');

describe('nothing left behind', () => {
  it('the engine holds no container, volume, network or untagged image the run made', async () => {
    const docker = await requireEngine();
    const run = readTestRun();
    assert.ok(run, 'This check compares with the snapshot tests/run.ts takes before the first test: run it through npm test.');
    const left = await leftoversSince(run.snapshot, run.instances, docker);
    assert.deepEqual(
      { containers: left.containers.length, volumes: left.volumes.length, networks: left.networks.length, untaggedImages: left.untaggedImages.length },
      { containers: 0, volumes: 0, networks: 0, untaggedImages: 0 },
      `The run left these on the engine (installations the tests used: ${run.instances.join(', ')}):\n${describeLeftovers(left)}`,
    );
  });
});
