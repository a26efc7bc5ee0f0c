// The file a lesson's code block names in its meta string.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileOf } from './file-meta.js';

describe('file blocks', () => {
  it('reads title= in its quoted and bare forms, relative to the workspace', () => {
    assert.equal(fileOf('title="compose.yaml"'), 'compose.yaml');
    assert.equal(fileOf("title='first-dockerfile/greeter/Dockerfile'"), 'first-dockerfile/greeter/Dockerfile');
    assert.equal(fileOf('term=2 title=app.py'), 'app.py');
    assert.equal(fileOf('title="~/workshop/compose.yaml"'), 'compose.yaml');
    assert.equal(fileOf('title="./compose.yaml"'), 'compose.yaml');
  });

  it('finds no file without a title', () => {
    assert.equal(fileOf(undefined), undefined);
    assert.equal(fileOf('term=2'), undefined);
    assert.equal(fileOf('subtitle="x"'), undefined);
    assert.equal(fileOf('title=""'), undefined);
  });
});
