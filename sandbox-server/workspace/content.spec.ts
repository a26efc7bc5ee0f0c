// Text or binary, and versions: what decides whether the editor may change a file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBinary, sizeInWords, versionOf } from './content.js';

describe('workspace content', () => {
  it('takes UTF-8 text for text and NULs or broken UTF-8 for binary', () => {
    assert.equal(isBinary(Buffer.from('FROM debian:trixie-slim\nCMD ["./greet.sh"]\n'), true), false);
    assert.equal(isBinary(Buffer.from('héllo wörld ✓\n'), true), false);
    assert.equal(isBinary(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), true), true);
    assert.equal(isBinary(Buffer.from([0x68, 0x69, 0xff, 0xfe]), true), true);
    assert.equal(isBinary(Buffer.alloc(0), true), false);
  });

  it('does not call a text cut inside a character binary', () => {
    const text = Buffer.from('a'.repeat(100) + '✓');
    assert.equal(isBinary(text.subarray(0, 101), false), false);
    assert.equal(isBinary(text.subarray(0, 101), true), true);
  });

  it('gives the same bytes the same version and other bytes another', () => {
    assert.equal(versionOf(Buffer.from('a')), versionOf(Buffer.from('a')));
    assert.notEqual(versionOf(Buffer.from('a')), versionOf(Buffer.from('a\n')));
  });

  it('says sizes in plain words', () => {
    assert.equal(sizeInWords(12), '12 bytes');
    assert.equal(sizeInWords(2048), '2 KiB');
    assert.equal(sizeInWords(3 * 1024 * 1024 + 200 * 1024), '3.2 MiB');
  });
});
