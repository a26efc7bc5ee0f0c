// The file each sandbox's editor has open: a report is checked with the workspace's path rules
// (a bad one is a bad_path naming what is wrong), goes out on the workspaces channel, a save of
// the open file does too (of another file does not), and a sandbox that ends is forgotten.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkspaceEvent } from '../../contract/workspace-view.js';
import { createFeed } from '../feed/index.js';
import { createLogger } from '../log.js';
import { WorkspaceError } from './errors.js';
import { OpenFiles } from './open-files.js';

function setup() {
  const feed = createFeed(createLogger('silent'));
  const files = new OpenFiles({ workspaces: feed.workspaces, prompts: feed.prompts, sandboxes: feed.sandboxes });
  const events: WorkspaceEvent[] = [];
  feed.workspaces.subscribe('s1', { event: (event) => events.push(event) });
  return { feed, files, events };
}

describe('open files', () => {
  it('keeps the canonical path and tells the sandbox\'s followers, once per change', () => {
    const { files, events } = setup();
    assert.equal(files.report('s1', './app//Dockerfile', 10), 'app/Dockerfile');
    files.report('s1', 'app/Dockerfile', 11);
    files.report('s2', 'other.txt', 12);
    assert.equal(files.of('s1'), 'app/Dockerfile');
    assert.equal(files.of('s2'), 'other.txt');
    assert.deepEqual(events, [{ type: 'file', data: { path: 'app/Dockerfile', reason: 'opened', at: 10 } }]);
    files.report('s1', null, 13);
    assert.equal(files.of('s1'), null);
    assert.deepEqual(events.at(-1), { type: 'file', data: { path: null, reason: 'opened', at: 13 } });
    assert.equal(files.current('s1').data.path, null);
  });

  it('refuses a bad path as bad_path, saying what is wrong, and keeps the file open before', () => {
    const { files } = setup();
    files.report('s1', 'compose.yaml');
    for (const [input, words] of [['../etc/passwd', /path: The path "\.\.\/etc\/passwd" goes up with "\.\."/], ['/etc/passwd', /is absolute/], ['a\u0007b', /control character \(U\+0007\)/], ['', /No path given/]] as const) {
      assert.throws(() => files.report('s1', input), (err: unknown) => err instanceof WorkspaceError && err.code === 'bad_path' && words.test(err.message));
    }
    assert.equal(files.of('s1'), 'compose.yaml');
  });

  it('passes on a save of the open file only, and forgets a sandbox that ended', () => {
    const { feed, files, events } = setup();
    files.report('s1', 'compose.yaml', 1);
    feed.prompts.emit('saved', { sandboxId: 's1', path: 'app.py', at: 2 });
    feed.prompts.emit('saved', { sandboxId: 's2', path: 'compose.yaml', at: 3 });
    feed.prompts.emit('saved', { sandboxId: 's1', path: 'compose.yaml', at: 4 });
    assert.deepEqual(events.map((e) => [e.data.reason, e.data.at]), [['opened', 1], ['saved', 4]]);
    feed.sandboxes.emit('ended', 's1', 'reset', 'reset');
    assert.equal(files.of('s1'), null);
  });
});
