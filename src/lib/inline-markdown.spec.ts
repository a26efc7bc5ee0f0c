// Hints as the page shows them: Markdown made into escaped HTML at build time, a file link into
// a button that carries the path and line the step list hands the editor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineMarkdown } from './inline-markdown.js';

describe('inline Markdown of hints', () => {
  it('renders code, emphasis and links, escaped', () => {
    assert.equal(inlineMarkdown('Run `a <b>` **now**, see [docs](https://x.test/a).'), 'Run <code>a &lt;b&gt;</code> <strong>now</strong>, see <a href="https://x.test/a">docs</a>.');
  });

  it('makes a file link a button with its path and line', () => {
    assert.equal(
      inlineMarkdown('In [the CMD line](open:first-dockerfile/sayhello/Dockerfile#L2), use `CMD`.'),
      'In <button type="button" class="hint-open" data-open-path="first-dockerfile/sayhello/Dockerfile" data-open-line="2" title="Open first-dockerfile/sayhello/Dockerfile at line 2 in the editor">the CMD line</button>, use <code>CMD</code>.',
    );
    assert.equal(inlineMarkdown('[app](open:app.py)'), '<button type="button" class="hint-open" data-open-path="app.py" title="Open app.py in the editor">app</button>');
  });

  it('escapes what a file link carries', () => {
    const html = inlineMarkdown(`[<i>"x"</i>](open:a&b'c.txt#L1)`);
    assert.match(html, /data-open-path="a&amp;b&#39;c\.txt"/);
    assert.match(html, />&lt;i&gt;&quot;x&quot;&lt;\/i&gt;<\/button>$/);
  });
});
