// Subdomain mode's names: a preview's label is a fresh, valid DNS label each time; a Host header
// is a preview host exactly when it is the preview domain or under it (port, case and trailing
// dot aside), so the site's own host and look-alikes stay the site's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sitePort } from './previews.js';
import { newLabel, previewLabel } from './subdomains.js';

describe('preview subdomains', () => {
  it('gives every preview a new lowercase DNS label, never the same twice', () => {
    const labels = Array.from({ length: 2000 }, newLabel);
    for (const label of labels) assert.match(label, /^p[a-z2-7]{16}$/);
    assert.equal(new Set(labels).size, labels.length);
  });

  it('tells preview hosts from the site by the Host header', () => {
    const domain = 'preview.example.org';
    assert.equal(previewLabel('pabc.preview.example.org', domain), 'pabc');
    assert.equal(previewLabel('PABC.Preview.Example.org.:8443', domain), 'pabc');
    assert.equal(previewLabel('preview.example.org:4321', domain), '', 'the domain itself names no preview');
    assert.equal(previewLabel('a.pabc.preview.example.org', domain), 'a.pabc', 'a deeper name names no preview');
    for (const site of ['example.org', 'slipway.example.org:4321', 'evilpreview.example.org', 'preview.example.org.evil.net', '127.0.0.1:4321', '[::1]:4321', '', undefined]) {
      assert.equal(previewLabel(site, domain), undefined, String(site));
    }
    assert.equal(previewLabel('pabc.preview.example.org', ''), undefined, 'subdomain mode off');
  });

  it("puts links on the site's own port, or on none when the browser used the default", () => {
    assert.equal(sitePort('slipway.example.org:4321'), ':4321');
    assert.equal(sitePort('slipway.example.org'), '');
    assert.equal(sitePort('[::1]'), '');
    assert.equal(sitePort(undefined), '');
  });
});
