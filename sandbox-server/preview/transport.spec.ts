// Fast tier: when a preview request counts as HTTPS (so its grant cookie is Secure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrivedOverHttps } from './transport.js';

const request = (remoteAddress: string, proto?: string | string[], encrypted?: boolean) => ({
  headers: proto === undefined ? {} : { 'x-forwarded-proto': proto },
  socket: { remoteAddress, ...(encrypted === undefined ? {} : { encrypted }) },
});

describe('a preview request over HTTPS', () => {
  it('is one on a TLS socket, whoever sends it', () => {
    assert.equal(arrivedOverHttps(request('192.0.2.7', undefined, true)), true);
  });

  it('is one when a reverse proxy on this host says so, the nearest proxy\'s word counting', () => {
    assert.equal(arrivedOverHttps(request('127.0.0.1', 'https')), true);
    assert.equal(arrivedOverHttps(request('::1', 'HTTPS')), true);
    assert.equal(arrivedOverHttps(request('::ffff:127.0.0.1', 'http, https')), true);
    assert.equal(arrivedOverHttps(request('127.0.0.1', 'https, http')), false);
    assert.equal(arrivedOverHttps(request('127.0.0.1', 'http')), false);
    assert.equal(arrivedOverHttps(request('127.0.0.1')), false);
  });

  it('is not one because a client on another address says so', () => {
    assert.equal(arrivedOverHttps(request('192.0.2.7', 'https')), false);
    assert.equal(arrivedOverHttps(request('10.0.0.5', ['https'])), false);
  });
});
