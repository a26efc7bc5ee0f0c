// Clients of the swarm's engines from the configuration: a tcp endpoint is refused without the
// TLS files (a node API is root on its node), a missing file is named, and each node's client is
// made once and kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configuredEndpoints } from './endpoints.js';

describe('swarm endpoint clients', () => {
  it('refuses a tcp endpoint without the TLS files, and names a missing file', () => {
    assert.throws(() => configuredEndpoints({ swarmManager: 'tcp://manager:2376', swarmNodes: '', swarmTls: '' }), /needs SLIPWAY_SWARM_TLS/);
    assert.throws(() => configuredEndpoints({ swarmManager: 'tcp://manager:2376', swarmNodes: '', swarmTls: '/nonexistent-tls' }), /cannot read ca\.pem in \/nonexistent-tls \(ENOENT\)/);
    const unix = configuredEndpoints({ swarmManager: 'unix:///var/run/docker.sock', swarmNodes: 'node1=unix:///a.sock', swarmTls: '' });
    assert.equal(unix.node({ hostname: 'node1', addr: '10.0.0.1' }), unix.node({ hostname: 'node1', addr: '10.0.0.1' }), 'one client per node, kept');
    assert.equal(unix.node({ hostname: 'node2', addr: '10.0.0.2' }), undefined);
  });
});
