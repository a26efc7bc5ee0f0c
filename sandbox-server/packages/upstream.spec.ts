// Fast tier: the security archive is found beside the configured Debian mirror.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { securityArchiveOf } from './upstream.js';

describe('package cache upstream', () => {
  it('puts the security archive beside Debian\'s archive, on the same mirror', () => {
    assert.equal(securityArchiveOf('http://deb.debian.org/debian'), 'http://deb.debian.org/debian-security/');
    assert.equal(securityArchiveOf('http://deb.debian.org/debian/'), 'http://deb.debian.org/debian-security/');
    assert.equal(securityArchiveOf('http://mirror.example:8080/pub/debian'), 'http://mirror.example:8080/pub/debian-security/');
    assert.equal(securityArchiveOf('http://10.0.0.5/'), 'http://10.0.0.5/debian-security/');
  });
});
