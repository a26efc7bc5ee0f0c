// The probes that try what the engine allows (the isolation probe at every start, doctor's
// nested-engine check) leave nothing on the engine: the sandbox image declares a volume for its
// engine's data, which a container made from it would get anonymously and keep. While they run,
// the probes carry the installation's labels.
// Runs alone: it counts every volume and image made on the engine while its probes run, whoever made them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Docker from 'dockerode';
import { checkNestedDocker } from '../../sandbox-server/doctor/checks.js';
import { BASE_TAG } from '../../sandbox-server/images/base.js';
import { expectedTag } from '../../sandbox-server/images/build.js';
import { LABEL } from '../../sandbox-server/labels.js';
import { createLogger } from '../../sandbox-server/log.js';
import { detectIsolation } from '../../sandbox-server/sandboxes/docker/isolation.js';
import { requireEngine } from '../support/engine.js';
import { leftoversSince, snapshotEngine } from '../support/leftovers.js';
import { recordTestInstance } from '../support/test-run.js';

const INSTANCE = 'test-probe';

interface Created {
  name: string;
  labels: Record<string, string>;
}

/** Runs `work` and returns the containers labelled as INSTANCE's that the engine created meanwhile. */
async function containersCreatedDuring(docker: Docker, work: () => Promise<unknown>): Promise<Created[]> {
  const since = Math.floor(Date.now() / 1000) - 1;
  await work();
  const until = Math.ceil(Date.now() / 1000) + 1;
  const stream = (await docker.getEvents({ since, until, filters: { type: ['container'], event: ['create'] } })) as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { Actor: { Attributes: Record<string, string> } })
    .map(({ Actor }) => ({ name: Actor.Attributes.name ?? '', labels: Actor.Attributes }))
    .filter((c) => c.labels[LABEL.instance] === INSTANCE);
}

async function sandboxImage(docker: Docker): Promise<string> {
  const image = await expectedTag(docker, 'sandbox', 'slipway/sandbox', BASE_TAG);
  assert.ok(image && (await docker.getImage(image).inspect().then(() => true, () => false)), 'the sandbox image is built (tests/run.ts builds it first)');
  return image;
}

describe('probes leave nothing behind', () => {
  it('the isolation probe at every start: no container, volume or network left, and it was labelled', async () => {
    const docker = await requireEngine();
    recordTestInstance(INSTANCE);
    const image = await sandboxImage(docker);
    const before = await snapshotEngine(docker);
    const created = await containersCreatedDuring(docker, () => detectIsolation(docker, image, 'auto', createLogger('warn'), INSTANCE));
    assert.equal(created.length, 1, `one probe container with the installation's labels: ${JSON.stringify(created)}`);
    assert.equal(created[0]!.labels[LABEL.role], 'probe');
    assert.deepEqual(await leftoversSince(before, [INSTANCE], docker), { containers: [], volumes: [], networks: [], untaggedImages: [] });
  });

  it("doctor's nested-engine check: its engine answers, and it leaves no container or volume", async () => {
    const docker = await requireEngine();
    recordTestInstance(INSTANCE);
    await sandboxImage(docker);
    const before = await snapshotEngine(docker);
    let finding: Awaited<ReturnType<typeof checkNestedDocker>> | undefined;
    const created = await containersCreatedDuring(docker, async () => (finding = await checkNestedDocker(docker, 'auto', INSTANCE)));
    assert.equal(finding?.status, 'ok', JSON.stringify(finding));
    assert.ok(created.length >= 1 && created.every((c) => c.labels[LABEL.role] === 'probe'), `probe containers with the installation's labels: ${JSON.stringify(created)}`);
    assert.deepEqual(await leftoversSince(before, [INSTANCE], docker), { containers: [], volumes: [], networks: [], untaggedImages: [] });
  });
});
