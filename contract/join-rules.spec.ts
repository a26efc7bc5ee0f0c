// The join rules in words: the code's rule is derived from the alphabet the generator draws
// from (every character it names as used is in the alphabet, every one it excludes is not), a
// wrong code names the characters codes never use, and a long name is refused with the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODE_ALPHABET, CODE_LENGTH, codeProblem, codeRule, NAME_MAX, nameProblem, normalizeCode } from './join-rules.js';

describe('join code rule', () => {
  it('states the alphabet the generator uses, exactly', () => {
    assert.equal(CODE_ALPHABET, '34679ACDEFGHJKMNPQRTWXY', 'the alphabet changed: check the sentence below still reads well');
    assert.equal(codeRule(), '6 characters: the letters A–Z except B, I, L, O, S, U, V and Z, and the digits 3, 4, 6, 7 and 9');
  });

  it('follows the alphabet it is given, listing whichever side is shorter', () => {
    assert.equal(codeRule('ABC123', 4), '4 characters: the letters A, B and C, and the digits 1, 2 and 3');
    assert.equal(codeRule('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 5), '5 characters: the letters A–Z except I and O, and the digits 0–9');
    assert.equal(codeRule('XYZ', 3), '3 characters: the letters X, Y and Z');
  });

  it('accepts every code made of the alphabet, and names each character codes never use', () => {
    assert.equal(codeProblem(CODE_ALPHABET.slice(0, CODE_LENGTH)), undefined);
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') {
      const problem = codeProblem(c.repeat(CODE_LENGTH));
      if (CODE_ALPHABET.includes(c)) assert.equal(problem, undefined, c);
      else assert.match(problem ?? '', new RegExp(`; "${c}" is never used in codes$`), c);
    }
    assert.match(codeProblem('K0Q1X4') ?? '', /"0" and "1" are never used in codes$/);
    assert.match(codeProblem('K7Q') ?? '', /^a join code is 6 characters: .*; yours has 3$/);
    assert.equal(normalizeCode(' k7q-x4m '), 'K7QX4M');
  });
});

describe('display name rule', () => {
  it('refuses a long name with the limit and the length, counting characters as people do', () => {
    assert.equal(nameProblem('x'.repeat(NAME_MAX)), undefined);
    assert.equal(nameProblem('x'.repeat(52)), `a name is at most ${NAME_MAX} characters; yours has 52`);
    assert.equal(nameProblem('🐳'.repeat(NAME_MAX)), undefined, 'an emoji is one character, not two');
    assert.equal(nameProblem(''), 'give a display name');
  });
});
