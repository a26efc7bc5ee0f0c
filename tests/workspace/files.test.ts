// The workspace API against a real sandbox: the tree, reading and writing with the version read
// (a file changed in the sandbox since is refused with 409 file_changed; * overwrites), new,
// renamed and deleted entries, and every refusal with its exact words: paths outside the
// workspace (.., absolute, a symbolic link leading out), control characters, binary and
// oversized files (read-only with a note), and a sandbox that ended.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_EDITABLE_BYTES, PREVIEW_BYTES, type SavedFile, type WorkspaceFile, type WorkspaceTree } from '../../contract/workspace-api.js';
import { sh } from '../support/sandbox.js';
import { startTestServer, stopAndClean, type TestServer } from '../support/server.js';

interface Answer<T> {
  status: number;
  body: T & { error?: { code: string; message: string } };
  etag: string | null;
}

describe('workspace files', () => {
  let server: TestServer;
  let cookie: string;
  let sandbox: string;
  const WS = '/root/workshop';

  const call = async <T>(method: string, path: string, init: { body?: string | Buffer; json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> => {
    const headers: Record<string, string> = { cookie, ...init.headers };
    let body: string | Buffer | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (body !== undefined) headers['content-type'] ??= 'text/plain; charset=utf-8';
    const response = await fetch(`${server.url}${path}`, { method, headers, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Answer<T>['body'], etag: response.headers.get('etag') };
  };
  const read = (path: string) => call<WorkspaceFile>('GET', `/api/workspace/file?path=${encodeURIComponent(path)}`);
  const write = (path: string, text: string | Buffer, base: string) => call<SavedFile>('PUT', `/api/workspace/file?path=${encodeURIComponent(path)}`, { body: text, headers: { 'if-match': base } });
  const refused = (answer: Answer<unknown>, status: number, code: string, message?: string) => {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.error?.code, code);
    if (message !== undefined) assert.equal(answer.body.error?.message, message);
  };

  before(async () => {
    server = await startTestServer();
    const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
    const view = (await (await fetch(`${server.url}/api/session/sandbox`, { method: 'POST', headers: { cookie } })).json()) as { sandbox: { id: string } };
    sandbox = view.sandbox.id;
    await sh(server, sandbox, `mkdir -p ${WS}/app/src && printf 'FROM debian:trixie-slim\\n' > ${WS}/app/Dockerfile && printf '#!/bin/sh\\necho hi\\n' > ${WS}/run.sh && chmod 755 ${WS}/run.sh && touch ${WS}/app/src/main.py`);
  });
  after(async () => {
    if (server) await stopAndClean(server);
  });

  it('lists the tree, folders first at each level', async () => {
    const tree = await call<WorkspaceTree>('GET', '/api/workspace/tree');
    assert.equal(tree.status, 200);
    assert.equal(tree.body.root, '~/workshop');
    assert.deepEqual(tree.body.entries.map((e) => `${e.kind} ${e.path}`), ['folder app', 'folder app/src', 'file app/src/main.py', 'file app/Dockerfile', 'file run.sh']);
    assert.equal(tree.body.entries.find((e) => e.path === 'app/Dockerfile')?.size, 'FROM debian:trixie-slim\n'.length);
    assert.equal(tree.body.truncated, false);
  });

  it('reads a file with its version and writes it back on that version, keeping its mode', async () => {
    const file = await read('run.sh');
    assert.equal(file.status, 200);
    assert.equal(file.body.content, '#!/bin/sh\necho hi\n');
    assert.equal(file.body.editable, true);
    assert.equal(file.etag, `"${file.body.version}"`);
    const saved = await write('run.sh', '#!/bin/sh\necho hello\n', file.etag!);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.notEqual(saved.body.version, file.body.version);
    assert.equal(await sh(server, sandbox, `cat ${WS}/run.sh; stat -c %a ${WS}/run.sh`), '#!/bin/sh\necho hello\n755\n');
    assert.equal((await read('run.sh')).body.version, saved.body.version, 'the version a save answers is the one the next read gives');
  });

  it('creates a new file with * and refuses a save without a base version', async () => {
    refused(await call('PUT', '/api/workspace/file?path=notes.txt', { body: 'x' }), 400, 'invalid_input');
    const saved = await write('notes/today.txt', 'remember the dot\n', '*');
    assert.equal(saved.status, 200);
    assert.equal(await sh(server, sandbox, `cat ${WS}/notes/today.txt`), 'remember the dot\n');
  });

  it('refuses to overwrite a file changed since it was read (409 file_changed), and overwrites with *', async () => {
    const file = await read('app/Dockerfile');
    await sh(server, sandbox, `echo 'CMD ["bash"]' >> ${WS}/app/Dockerfile`);
    refused(await write('app/Dockerfile', 'FROM scratch\n', file.body.version), 409, 'file_changed', '"app/Dockerfile" changed since you opened it (in the terminal, or in another tab). Reload it to see the change, or overwrite it with your text.');
    assert.equal(await sh(server, sandbox, `cat ${WS}/app/Dockerfile`), 'FROM debian:trixie-slim\nCMD ["bash"]\n', 'the change made in the terminal is still there');
    assert.equal((await write('app/Dockerfile', 'FROM scratch\n', '*')).status, 200);
    assert.equal(await sh(server, sandbox, `cat ${WS}/app/Dockerfile`), 'FROM scratch\n');
    await sh(server, sandbox, `rm ${WS}/notes/today.txt`);
    refused(await write('notes/today.txt', 'again', '"abc"'), 409, 'file_changed', '"notes/today.txt" was deleted since you opened it (in the terminal, or in another tab). Save again to create it with your text, or close it.');
  });

  it('refuses paths outside the workspace with the exact error', async () => {
    refused(await read('../etc/passwd'), 403, 'outside_workspace', 'The path "../etc/passwd" goes up with "..": only files inside your workspace (~/workshop) can be opened here.');
    refused(await read('/etc/passwd'), 403, 'outside_workspace', 'The path "/etc/passwd" is absolute: give a path inside your workspace (~/workshop), such as "compose.yaml" or "app/Dockerfile".');
    refused(await write('app/../../x', 'x', '*'), 403, 'outside_workspace');
    refused(await call('POST', '/api/workspace/rename', { json: { from: 'run.sh', to: '../run.sh' } }), 403, 'outside_workspace');
    refused(await call('DELETE', '/api/workspace/entries?path=..'), 403, 'outside_workspace');
    assert.equal(await sh(server, sandbox, 'test -e /root/x && echo there || echo absent'), 'absent\n');
  });

  it('refuses symbolic links leading out, for reads and writes, and follows those that stay in', async () => {
    await sh(server, sandbox, `cp /etc/hostname /tmp/secret && ln -s /tmp/secret ${WS}/leak && ln -s /etc ${WS}/etc && ln -s app/Dockerfile ${WS}/df`);
    refused(await read('leak'), 403, 'outside_workspace', '"leak" leads outside your workspace (~/workshop) through a symbolic link (to "/tmp/secret"): only files inside it can be opened here.');
    refused(await write('leak', 'owned\n', '*'), 403, 'outside_workspace');
    refused(await read('etc/passwd'), 403, 'outside_workspace', '"etc/passwd" leads outside your workspace (~/workshop) through a symbolic link (to "/etc/passwd"): only files inside it can be opened here.');
    refused(await call('POST', '/api/workspace/entries', { json: { path: 'etc/new.txt', kind: 'file' } }), 403, 'outside_workspace');
    assert.notEqual(await sh(server, sandbox, 'cat /tmp/secret'), 'owned\n');
    assert.equal(await sh(server, sandbox, 'test -e /etc/new.txt && echo there || echo absent'), 'absent\n');
    const inside = await read('df');
    assert.equal(inside.status, 200);
    assert.equal(inside.body.content, 'FROM scratch\n');
    // Deleting the link removes the link, never what it points at.
    assert.equal((await call('DELETE', '/api/workspace/entries?path=leak')).status, 204);
    assert.equal(await sh(server, sandbox, `test -e /tmp/secret && test ! -L ${WS}/leak && echo ok`), 'ok\n');
  });

  it('refuses names with control characters, naming the character', async () => {
    refused(await read('a\u0007b'), 400, 'bad_path', 'The path "a\\u0007b" holds a control character (U+0007): names with control characters cannot be opened here; rename the file in the terminal.');
    refused(await call('POST', '/api/workspace/entries', { json: { path: 'new\nline', kind: 'file' } }), 400, 'bad_path');
  });

  it('opens binary files read-only with a note, and files over the limit read-only with their start', async () => {
    await sh(server, sandbox, `head -c 3000 /bin/ls > ${WS}/tool.bin && head -c ${MAX_EDITABLE_BYTES + 5000} /dev/zero | tr '\\0' a > ${WS}/big.log`);
    const binary = await read('tool.bin');
    assert.equal(binary.status, 200);
    assert.equal(binary.body.editable, false);
    assert.equal(binary.body.content, null);
    assert.equal(binary.body.note, 'This is a binary file (3 KiB), not text: it opens read-only and is not shown. Use the terminal for it.');
    const big = await read('big.log');
    assert.equal(big.body.editable, false);
    assert.equal(big.body.size, MAX_EDITABLE_BYTES + 5000);
    assert.equal(big.body.content?.length, PREVIEW_BYTES);
    assert.equal(big.body.note, 'This file is 1.0 MiB: files over 1.0 MiB open read-only, and only the first 64 KiB are shown. Use the terminal for it.');
    refused(await write('big.txt', Buffer.alloc(MAX_EDITABLE_BYTES + 10, 'a'), '*'), 413, 'too_large');
  });

  it('creates, renames and deletes entries', async () => {
    assert.equal((await call('POST', '/api/workspace/entries', { json: { path: 'web', kind: 'folder' } })).status, 201);
    assert.equal((await call('POST', '/api/workspace/entries', { json: { path: 'web/index.html', kind: 'file' } })).status, 201);
    refused(await call('POST', '/api/workspace/entries', { json: { path: 'web/index.html', kind: 'file' } }), 409, 'file_exists', '"web/index.html" already exists in your workspace.');
    assert.equal((await call('POST', '/api/workspace/rename', { json: { from: 'web/index.html', to: 'web/home.html' } })).status, 200);
    refused(await call('POST', '/api/workspace/rename', { json: { from: 'web/home.html', to: 'run.sh' } }), 409, 'file_exists');
    refused(await call('POST', '/api/workspace/rename', { json: { from: 'web/gone.html', to: 'x.html' } }), 404, 'no_such_file');
    refused(await read('web/missing.txt'), 404, 'no_such_file', 'There is no file "web/missing.txt" in your workspace (~/workshop).');
    refused(await read('web'), 400, 'is_folder');
    assert.equal((await call('DELETE', '/api/workspace/entries?path=web')).status, 204);
    const tree = await call<WorkspaceTree>('GET', '/api/workspace/tree');
    assert.ok(!tree.body.entries.some((e) => e.path.startsWith('web')), JSON.stringify(tree.body.entries));
  });

  it('says so when the sandbox has ended', async () => {
    await server.driver.destroy(sandbox);
    const gone = await read('run.sh');
    refused(gone, 409, 'no_sandbox');
    assert.match(gone.body.error!.message, /Your sandbox has ended|You have no sandbox/);
  });
});
