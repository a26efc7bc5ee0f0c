// The save script's view of versions: the hash the page holds must match what sha256sum prints
// in the sandbox, and a large file's version its size and modification time in seconds.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { versionOf, versionOfLarge } from './content.js';
import { SAVE_SCRIPT, expectedVersion, saveRefusal } from './save.js';

describe('save versions', () => {
  it('turns a content version into the first 32 hex digits sha256sum prints', () => {
    const bytes = Buffer.from('FROM debian:trixie-slim\n');
    const hex = crypto.createHash('sha256').update(bytes).digest('hex');
    assert.equal(expectedVersion(versionOf(bytes)), `h:${hex.slice(0, 32)}`);
  });

  it('turns a large file version into size-seconds, and keeps * as any', () => {
    assert.equal(expectedVersion(versionOfLarge(2_000_000, new Date(1_700_000_000_000))), 'l:2000000-1700000000');
    assert.equal(expectedVersion('*'), '*');
  });

  it('gives anything else a form that never matches a file', () => {
    for (const bad of ['"abc"', '', 'h:00', 'large-1-x']) assert.match(expectedVersion(bad), /^x:/);
  });

  it('is a script an exec can carry: no NUL byte in it (printf writes one), bash only', () => {
    assert.equal(SAVE_SCRIPT.includes('\0'), false);
    assert.match(SAVE_SCRIPT, /printf '%s\\0'/);
  });

  it('names the refusal of each exit code, and none on success', () => {
    assert.equal(saveRefusal('a.txt', { exitCode: 0, stdout: '/w/a.txt\0', stderr: '' }), undefined);
    const outside = saveRefusal('link/x', { exitCode: 11, stdout: '/etc/x\0', stderr: '' });
    assert.match(String(outside?.message), /leads outside your workspace .* \(to "\/etc\/x"\)/);
    assert.equal((saveRefusal('a', { exitCode: 14, stdout: '', stderr: '' }) as { code?: string }).code, 'file_changed');
    assert.match(String(saveRefusal('a', { exitCode: 99, stdout: '', stderr: 'boom' })?.message), /exited with 99: boom/);
  });
});
