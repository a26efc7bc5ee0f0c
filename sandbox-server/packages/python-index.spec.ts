// Fast tier: the Python index's name rules (PEP 503, wheel and sdist names) and its pages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexPages, normalizeProjectName, parseCachedFiles, parseChecksums, parseDistribution } from './python-index.js';

const HASH = 'a'.repeat(64);

describe('the Python index', () => {
  it('normalizes project names as PEP 503 says', () => {
    assert.equal(normalizeProjectName('Slipway_Hello'), 'slipway-hello');
    assert.equal(normalizeProjectName('zope.interface'), 'zope-interface');
    assert.equal(normalizeProjectName('Foo.-_Bar__baz'), 'foo-bar-baz');
    assert.equal(normalizeProjectName('requests'), 'requests');
  });

  it('reads project and version out of wheel and sdist names', () => {
    assert.deepEqual(parseDistribution('slipway_hello-0.1.0-py3-none-any.whl'), { filename: 'slipway_hello-0.1.0-py3-none-any.whl', project: 'slipway_hello', version: '0.1.0', kind: 'wheel' });
    assert.deepEqual(parseDistribution('numpy-2.1.0-1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'), { filename: 'numpy-2.1.0-1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', project: 'numpy', version: '2.1.0', kind: 'wheel' });
    assert.deepEqual(parseDistribution('Flask-3.1.0.tar.gz'), { filename: 'Flask-3.1.0.tar.gz', project: 'Flask', version: '3.1.0', kind: 'sdist' });
    assert.deepEqual(parseDistribution('zope.interface-7.0+local.zip'), { filename: 'zope.interface-7.0+local.zip', project: 'zope.interface', version: '7.0+local', kind: 'sdist' });
  });

  it('refuses what is not a distribution, saying why', () => {
    const problem = (name: string) => {
      const parsed = parseDistribution(name);
      assert.ok('problem' in parsed, `${name} is refused`);
      return parsed.problem;
    };
    assert.match(problem('notes.txt'), /neither a wheel/);
    assert.match(problem('hello-0.1.0.whl'), /NAME-VERSION-PYTHON-ABI-PLATFORM/);
    assert.match(problem('bad-name-0.1-py3-none-any.whl'), /not a version|NAME-VERSION/);
    assert.match(problem('hello-latest-py3-none-any.whl'), /not a version/);
    assert.match(problem('hello-1.0-x-py3-none-any.whl'), /build tag/);
    assert.match(problem('../etc-1.0-py3-none-any.whl'), /only letters/);
    assert.match(problem('.hidden-1.0.tar.gz'), /only letters/);
    assert.match(problem('a b-1.0.tar.gz'), /only letters/);
  });

  it('makes a page per normalized project linking each file with its SHA-256, and a root page naming them', () => {
    const pages = indexPages([
      { filename: 'Slipway_Hello-0.2.0-py3-none-any.whl', sha256: 'b'.repeat(64) },
      { filename: 'slipway_hello-0.1.0-py3-none-any.whl', sha256: HASH },
      { filename: 'flask-3.1.0+local.tar.gz', sha256: 'c'.repeat(64) },
      { filename: 'README', sha256: HASH },
    ]);
    assert.deepEqual([...pages.keys()].sort(), ['simple/flask/index.html', 'simple/index.html', 'simple/slipway-hello/index.html']);
    const hello = pages.get('simple/slipway-hello/index.html')!;
    assert.match(hello, /<meta name="pypi:repository-version" content="1.0">/);
    assert.deepEqual([...hello.matchAll(/href="([^"]+)"/g)].map((m) => m[1]), [
      `/files/Slipway_Hello-0.2.0-py3-none-any.whl#sha256=${'b'.repeat(64)}`,
      `/files/slipway_hello-0.1.0-py3-none-any.whl#sha256=${HASH}`,
    ]);
    assert.match(pages.get('simple/flask/index.html')!, /href="\/files\/flask-3\.1\.0%2Blocal\.tar\.gz#sha256=c{64}"/);
    assert.deepEqual([...pages.get('simple/index.html')!.matchAll(/href="([^"]+)"/g)].map((m) => m[1]), ['/simple/flask/', '/simple/slipway-hello/']);
  });

  it('reads sha256sum output and the cache keys of files fetched from PyPI', () => {
    assert.deepEqual(parseChecksums(`${HASH}  /srv/pypi/local/files/a-1.0-py3-none-any.whl\n${'d'.repeat(64)} *b-2.0.tar.gz\nnoise\n`), [
      { sha256: HASH, filename: 'a-1.0-py3-none-any.whl' },
      { sha256: 'd'.repeat(64), filename: 'b-2.0.tar.gz' },
    ]);
    const keys = ['KEY: file /packages/ab/cd/ef/requests-2.32.3-py3-none-any.whl', 'KEY: file /packages/ab/cd/ef/requests-2.32.3-py3-none-any.whl.metadata', 'KEY: page /simple/requests/', 'KEY: file /packages/01/x%2B1-1.0.tar.gz'].join('\n');
    assert.deepEqual(parseCachedFiles(keys), ['requests-2.32.3-py3-none-any.whl', 'x+1-1.0.tar.gz']);
  });
});
