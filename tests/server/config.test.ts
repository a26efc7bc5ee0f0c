// Configuration: one typed source of truth, clear errors naming the bad setting, documented.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, settings } from '../../sandbox-server/config/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig([], {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 4321);
    assert.equal(config.sandboxMemory, 1.5 * 1024 ** 3);
    assert.equal(config.sandboxIdleTimeout, 45 * 60_000);
    assert.equal(config.egress, false);
    assert.equal(config.driver, 'docker');
  });

  it('reads environment variables and lets flags win over them', () => {
    const config = loadConfig(['--port', '9000', '--sandbox-memory=512m'], { PORT: '8000', SLIPWAY_POOL_SIZE: '5', SLIPWAY_EGRESS: 'on' });
    assert.equal(config.port, 9000);
    assert.equal(config.poolSize, 5);
    assert.equal(config.sandboxMemory, 512 * 1024 ** 2);
    assert.equal(config.egress, true);
  });

  it('names the setting and the expected form when a value is invalid', () => {
    assert.throws(() => loadConfig([], { SLIPWAY_SANDBOX_MEMORY: 'lots' }), (err: Error) => err instanceof ConfigError && /SLIPWAY_SANDBOX_MEMORY="lots"/.test(err.message) && /512m/.test(err.message));
    assert.throws(() => loadConfig(['--port', 'http']), (err: Error) => err instanceof ConfigError && /--port="http"/.test(err.message));
    assert.throws(() => loadConfig([], { SLIPWAY_DRIVER: 'vm' }), (err: Error) => /SLIPWAY_DRIVER="vm"/.test(err.message) && /docker/.test(err.message));
    assert.throws(() => loadConfig(['--no-such-flag']), (err: Error) => err instanceof ConfigError && /no-such-flag/.test(err.message));
  });

  it('takes a preview domain only as a bare DNS name, and says what is wrong with one that is not', () => {
    assert.equal(loadConfig([], {}).previewDomain, '', 'subdomain mode is off unless set');
    assert.equal(loadConfig(['--preview-domain', 'Preview.Example.ORG.'], {}).previewDomain, 'preview.example.org');
    const refused = (value: string, why: RegExp) =>
      assert.throws(() => loadConfig([], { SLIPWAY_PREVIEW_DOMAIN: value }), (err: Error) => err instanceof ConfigError && err.message.includes(`SLIPWAY_PREVIEW_DOMAIN=${JSON.stringify(value)}`) && why.test(err.message), value);
    refused('https://preview.example.org', /without a scheme/);
    refused('*.preview.example.org', /without "\*\."/);
    refused('preview.example.org:8443', /without a port/);
    refused('192.168.1.20', /not an IP address/);
    refused('localhost', /two labels or more/);
    refused('preview_apps.example.org', /"preview_apps" is not a DNS label/);
    refused('-x.example.org', /"-x" is not a DNS label/);
    refused(`${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(10)}.org`, /at most 189 characters/);
  });

  it('reports every invalid setting at once', () => {
    assert.throws(() => loadConfig([], { PORT: '-1', SLIPWAY_SANDBOX_LIFETIME: 'forever' }), (err: Error) => /PORT/.test(err.message) && /SLIPWAY_SANDBOX_LIFETIME/.test(err.message));
  });

  it('is fully documented in docs/operators.md with the real defaults', () => {
    const doc = fs.readFileSync(path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'operators.md'), 'utf8');
    for (const setting of Object.values(settings)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${setting.env}\``));
      assert.ok(row, `docs/operators.md has no row for ${setting.env}`);
      assert.ok(row.includes(`\`${setting.default}\``), `docs/operators.md shows a wrong default for ${setting.env}: ${row}`);
      assert.ok(row.includes(`--${setting.flag}`), `docs/operators.md does not name the flag --${setting.flag}`);
    }
  });
});
