// Hints' open-file links read on plain text: what is a link, what it opens and at which line,
// and the words for each mistake an author can make.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hintFileLinks, hintLinkProblems, hintPieces } from './hint-links.js';

describe('hint links', () => {
  it('reads a link with a line, one without, and leaves the rest as text', () => {
    const hint = 'Open [the Dockerfile](open:app/Dockerfile#L3) or [compose](open:./counter//compose.yaml), then `docker build .`.';
    assert.deepEqual(hintFileLinks(hint), [
      { raw: '[the Dockerfile](open:app/Dockerfile#L3)', label: 'the Dockerfile', path: 'app/Dockerfile', line: 3 },
      { raw: '[compose](open:./counter//compose.yaml)', label: 'compose', path: 'counter/compose.yaml' },
    ]);
    assert.deepEqual(hintPieces(hint).map((p) => ('text' in p ? 'text' : 'link' in p ? 'link' : 'bad')), ['text', 'link', 'text', 'link', 'text']);
    assert.deepEqual(hintLinkProblems(hint), []);
  });

  it('leaves code spans and ordinary links alone', () => {
    const hint = 'Write `[x](open:a#L1)` literally; see [the docs](https://docs.docker.com/).';
    assert.deepEqual(hintFileLinks(hint), []);
    assert.deepEqual(hintLinkProblems(hint), []);
    assert.equal(hintPieces(hint).map((p) => ('text' in p ? p.text : '')).join(''), hint);
  });

  it('names what is wrong with a bad link', () => {
    const problem = (hint: string) => {
      const problems = hintLinkProblems(hint);
      assert.equal(problems.length, 1, `one problem for ${hint}: ${JSON.stringify(problems)}`);
      return problems[0]!;
    };
    assert.match(problem('[x](open:../etc/passwd#L1)'), /\[x\]\(open:\.\.\/etc\/passwd#L1\): The path "\.\.\/etc\/passwd" goes up with "\.\."/);
    assert.match(problem('[x](open:/root/workshop/a#L1)'), /is absolute/);
    assert.match(problem('[x](open:#L2)'), /No path given/);
    assert.match(problem('[x](open:a#L0)'), /after "#" comes the line, as L and a number from 1 \(such as #L12\), not "L0"/);
    assert.match(problem('[x](open:a#12)'), /not "12"/);
    assert.match(problem('[x](open:a#L2x)'), /not "L2x"/);
    assert.match(problem('[x](open:my file#L2)'), /holds a space/);
    assert.match(problem('[x](open:a\\b#L2)'), /backslash/);
    assert.match(problem('see (open:a#L2)'), /an open-file link is written \[label\]\(open:path#L12\)/);
  });
});
