// Fast tier: which packages warming asks for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitPackageList, wantedPackages } from './wanted.js';

describe('wanted packages', () => {
  it('reads the operator list with spaces, commas or both between names', () => {
    assert.deepEqual(splitPackageList(' curl, git  jq,,python3-venv '), ['curl', 'git', 'jq', 'python3-venv']);
    assert.deepEqual(splitPackageList(''), []);
  });

  it('joins the lessons\' declarations and the operator list, each package once, sorted', () => {
    const lessons = [{ packages: { apt: ['curl', 'iputils-ping'] } }, {}, { packages: { apt: ['curl'] } }];
    assert.deepEqual(wantedPackages(lessons, 'jq curl'), ['curl', 'iputils-ping', 'jq']);
    assert.deepEqual(wantedPackages([{}], ''), []);
  });
});
