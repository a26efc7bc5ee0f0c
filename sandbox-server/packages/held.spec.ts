// Fast tier: reading what the package cache holds from its store's file names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingFrom, parseHeld } from './held.js';

describe('packages held by the cache', () => {
  it('reads name, version and size from the .deb file names, an epoch\'s escaped colon decoded', () => {
    const listing = ['curl_8.14.1-2+deb13u7_amd64.deb 269876', 'libc6_2.41-12_amd64.deb 2800000', 'perl-base_1%3a5.40.1-6_amd64.deb 1700000', 'InRelease 140420', ''].join('\n');
    assert.deepEqual(parseHeld(listing), [
      { name: 'curl', version: '8.14.1-2+deb13u7', bytes: 269876 },
      { name: 'libc6', version: '2.41-12', bytes: 2800000 },
      { name: 'perl-base', version: '1:5.40.1-6', bytes: 1700000 },
    ]);
  });

  it('names the wanted packages it lacks', () => {
    const held = parseHeld('curl_8.14.1-2_amd64.deb 1\n');
    assert.deepEqual(missingFrom(held, ['curl', 'jq']), ['jq']);
    assert.deepEqual(missingFrom([], []), []);
  });
});
