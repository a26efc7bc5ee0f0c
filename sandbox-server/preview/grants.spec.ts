// The preview's capabilities: a link or a grant opens exactly the target it was made for, until
// it expires, and nothing forged, tampered with or of the other kind passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PreviewGrants } from './grants.js';

const target = { sandboxId: 'sbx-aaaa', port: 8000, key: '4400' };

describe('preview grants', () => {
  const grants = new PreviewGrants('key-one');

  it('opens its own target, as its own kind, until it expires', () => {
    const { token, expiresAt } = grants.issue('link', target, 60_000, 1000);
    assert.equal(expiresAt, 61_000);
    assert.equal(grants.refusal(token, 'link', target, 60_999), undefined);
    assert.equal(grants.refusal(token, 'link', target, 61_000), 'expired');
    assert.equal(grants.refusal(token, 'grant', target, 2000), 'invalid', 'a link is no grant');
  });

  it('never opens another sandbox, port or preview (port or subdomain label)', () => {
    const { token } = grants.issue('grant', target, 60_000);
    assert.equal(grants.refusal(token, 'grant', { ...target, sandboxId: 'sbx-bbbb' }), 'elsewhere');
    assert.equal(grants.refusal(token, 'grant', { ...target, port: 8001 }), 'elsewhere');
    assert.equal(grants.refusal(token, 'grant', { ...target, key: '4401' }), 'elsewhere');
    assert.equal(grants.refusal(token, 'grant', { ...target, key: 'pabcdefghijklmnop' }), 'elsewhere');
  });

  it('refuses forged and tampered tokens, and tokens of another key', () => {
    const { token } = grants.issue('grant', target, 60_000);
    const [version, body, signature] = token.split('.');
    const other = Buffer.from(JSON.stringify(['grant', 'sbx-bbbb', 8000, '4400', Date.now() + 60_000])).toString('base64url');
    for (const bad of [`${version}.${other}.${signature}`, `${token}x`, `${version}.${body}`, '', 'v2..', new PreviewGrants('key-two').issue('grant', target, 60_000).token]) {
      assert.equal(grants.refusal(bad, 'grant', target), 'invalid', bad);
    }
  });
});
