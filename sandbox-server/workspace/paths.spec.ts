// The path rules the workspace API applies before asking the sandbox anything: what passes comes
// out canonical, and every refusal has the code and words the page shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceError } from './errors.js';
import { checkPath, controlCharacter, isInside, nameOf, parentOf } from './paths.js';

function refusal(input: string): { code: string; message: string } {
  try {
    checkPath(input);
  } catch (err) {
    assert.ok(err instanceof WorkspaceError, `a WorkspaceError for ${JSON.stringify(input)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail(`${JSON.stringify(input)} was accepted`);
}

describe('workspace paths', () => {
  it('accepts relative paths and makes them canonical', () => {
    assert.equal(checkPath('compose.yaml'), 'compose.yaml');
    assert.equal(checkPath('first-dockerfile/greeter/Dockerfile'), 'first-dockerfile/greeter/Dockerfile');
    assert.equal(checkPath('./app//Dockerfile/'), 'app/Dockerfile');
    assert.equal(checkPath('my file (1).txt'), 'my file (1).txt');
    assert.equal(checkPath('..hidden/x..y'), '..hidden/x..y');
    assert.equal(checkPath('héllo/ünïcode.py'), 'héllo/ünïcode.py');
  });

  it('refuses a way up with ".." as outside the workspace', () => {
    for (const input of ['..', '../etc/passwd', 'a/../../b', 'a/..', './..']) {
      const { code, message } = refusal(input);
      assert.equal(code, 'outside_workspace', input);
      assert.match(message, /goes up with "\.\."/);
    }
  });

  it('refuses absolute paths as outside the workspace', () => {
    for (const input of ['/etc/passwd', '/root/workshop/x', '~/workshop/x', 'C:\\x']) {
      const { code, message } = refusal(input);
      assert.equal(code, 'outside_workspace', input);
      assert.match(message, /is absolute/);
    }
  });

  it('refuses control characters, naming the one found', () => {
    assert.deepEqual(refusal('a\u0007b'), { code: 'bad_path', message: 'The path "a\\u0007b" holds a control character (U+0007): names with control characters cannot be opened here; rename the file in the terminal.' });
    assert.equal(refusal('line\nbreak').code, 'bad_path');
    assert.equal(refusal('nul\u0000').code, 'bad_path');
    assert.equal(refusal('del\u007f').code, 'bad_path');
    assert.equal(refusal('c1\u0085').code, 'bad_path');
    assert.equal(controlCharacter('tab\there'), 'U+0009');
    assert.equal(controlCharacter('plain'), undefined);
  });

  it('refuses empty paths, the workspace itself, backslashes and overlong names', () => {
    assert.equal(refusal('').code, 'bad_path');
    assert.equal(refusal('   ').code, 'bad_path');
    assert.match(refusal('./').message, /names the workspace itself/);
    assert.match(refusal('a\\b').message, /backslash/);
    assert.match(refusal('x'.repeat(256)).message, /longer than 255 bytes/);
    assert.match(refusal('a/'.repeat(600)).message, /at most 1024/);
  });

  it('tells inside from outside on resolved paths', () => {
    assert.ok(isInside('/root/workshop', '/root/workshop'));
    assert.ok(isInside('/root/workshop', '/root/workshop/a/b'));
    assert.ok(isInside('/root/workshop/', '/root/workshop/a'));
    assert.ok(!isInside('/root/workshop', '/root/workshop2/a'));
    assert.ok(!isInside('/root/workshop', '/root'));
    assert.ok(!isInside('/root/workshop', '/etc/passwd'));
  });

  it('splits a canonical path into folder and name', () => {
    assert.equal(parentOf('a/b/c.txt'), 'a/b');
    assert.equal(parentOf('c.txt'), '');
    assert.equal(nameOf('a/b/c.txt'), 'c.txt');
    assert.equal(nameOf('c.txt'), 'c.txt');
  });
});
