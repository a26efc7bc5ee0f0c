// What the server reads from a sandbox's shared folder, against hostile contents made on a real
// file system: links to host files, a FIFO, an endless device, a folder, a huge file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hasPlainFile, readShortFile } from './shared-files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-shared-'));
const at = (name: string) => path.join(dir, name);

describe('files a sandbox shares with the server', () => {
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the first line of a small regular file', () => {
    fs.writeFileSync(at('state'), 'ready\n');
    assert.equal(readShortFile(at('state')), 'ready');
    assert.equal(hasPlainFile(at('state')), true);
  });

  it('gives nothing for a missing or empty file', () => {
    assert.equal(readShortFile(at('missing')), undefined);
    fs.writeFileSync(at('empty'), '');
    assert.equal(readShortFile(at('empty')), undefined);
    assert.equal(hasPlainFile(at('missing')), false);
  });

  it('does not follow a symbolic link to a host file', () => {
    const secret = at('host-secret');
    fs.writeFileSync(secret, 'waiting\n');
    fs.symlinkSync(secret, at('linked'));
    assert.equal(readShortFile(at('linked')), undefined);
    assert.equal(hasPlainFile(at('linked')), false);
  });

  it('does not hang on a FIFO nobody writes, nor read an endless device or a folder', () => {
    execFileSync('mkfifo', [at('fifo')]);
    assert.equal(readShortFile(at('fifo')), undefined);
    fs.symlinkSync('/dev/zero', at('zero'));
    assert.equal(readShortFile(at('zero')), undefined);
    fs.mkdirSync(at('folder'));
    assert.equal(readShortFile(at('folder')), undefined);
    assert.equal(hasPlainFile(at('folder')), false);
  });

  it('reads no more than a few bytes of a huge file', () => {
    fs.writeFileSync(at('huge'), 'x'.repeat(10 * 1024 * 1024));
    assert.equal(readShortFile(at('huge'))?.length, 64);
  });
});
