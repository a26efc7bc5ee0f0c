// File names to languages: the files the lessons write get their highlighting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { languageOf } from './languages.js';

describe('editor languages', () => {
  it('knows the lessons\' files by name', () => {
    assert.equal(languageOf('first-dockerfile/greeter/Dockerfile'), 'dockerfile');
    assert.equal(languageOf('app/Dockerfile.dev'), 'dockerfile');
    assert.equal(languageOf('compose.yaml'), 'yaml');
    assert.equal(languageOf('deploy/docker-compose.yml'), 'yaml');
    assert.equal(languageOf('flask-app/app.py'), 'python');
    assert.equal(languageOf('greeter/greet.sh'), 'shell');
    assert.equal(languageOf('requirements.txt'), 'text');
    assert.equal(languageOf('.dockerignore'), 'text');
  });
});
