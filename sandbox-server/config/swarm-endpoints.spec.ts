// The swarm driver's endpoint settings: each form an operator writes is read as meant, node
// templates are filled in per node, and each mistake is refused naming what is wrong; the
// configuration refuses driver swarm without a manager.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.js';
import { nodeEndpointText, parseEndpoint, parseNodeEndpoints } from './swarm-endpoints.js';

describe('swarm endpoints', () => {
  it('reads unix, tcp and ssh endpoints', () => {
    assert.deepEqual(parseEndpoint('unix:///var/run/docker.sock'), { kind: 'unix', socketPath: '/var/run/docker.sock' });
    assert.deepEqual(parseEndpoint('tcp://10.0.0.5:2376'), { kind: 'tcp', host: '10.0.0.5', port: 2376 });
    assert.deepEqual(parseEndpoint('tcp://[fd00::5]:2376'), { kind: 'tcp', host: 'fd00::5', port: 2376 });
    assert.deepEqual(parseEndpoint('ssh://ops@node2'), { kind: 'ssh', host: 'node2', port: 22, user: 'ops' });
    assert.deepEqual(parseEndpoint('ssh://node2:2222'), { kind: 'ssh', host: 'node2', port: 2222, user: undefined });
  });

  it('refuses what is not an endpoint, saying why', () => {
    assert.throws(() => parseEndpoint('unix://run/docker.sock'), /absolute socket path/);
    assert.throws(() => parseEndpoint('tcp://node2'), /names its port/);
    assert.throws(() => parseEndpoint('http://node2:2375'), /unknown scheme http/);
    assert.throws(() => parseEndpoint('tcp://node2:2376/v1.45'), /no path/);
    assert.throws(() => parseEndpoint('node2:2376'), /unknown scheme node2/);
  });

  it('gives each node its named endpoint, else the template filled in', () => {
    const entries = parseNodeEndpoints('node1=unix:///run/node1.sock, *=tcp://{addr}:2376');
    assert.equal(nodeEndpointText(entries, { hostname: 'node1', addr: '10.0.0.1' }), 'unix:///run/node1.sock');
    assert.equal(nodeEndpointText(entries, { hostname: 'node2', addr: '10.0.0.2' }), 'tcp://10.0.0.2:2376');
    assert.equal(nodeEndpointText(entries, { hostname: 'node3', addr: 'fd00::3' }), 'tcp://[fd00::3]:2376');
    assert.equal(nodeEndpointText(parseNodeEndpoints('*=ssh://ops@{hostname}.lab'), { hostname: 'node4', addr: '10.0.0.4' }), 'ssh://ops@node4.lab');
    assert.equal(nodeEndpointText(parseNodeEndpoints('node1=unix:///a.sock'), { hostname: 'node2', addr: '10.0.0.2' }), undefined);
  });

  it('refuses a node list with mistakes, naming the entry', () => {
    assert.throws(() => parseNodeEndpoints('tcp://10.0.0.2:2376'), /"tcp:\/\/10.0.0.2:2376": expected HOSTNAME=ENDPOINT/);
    assert.throws(() => parseNodeEndpoints('node1=unix:///a.sock,node1=unix:///b.sock'), /node1 is named twice/);
    assert.throws(() => parseNodeEndpoints('*=tcp://{ip}:2376'), /unknown placeholder \{ip\}/);
    assert.throws(() => parseNodeEndpoints('node1=tcp://{addr}:2376'), /placeholders belong in the \* entry/);
    assert.throws(() => parseNodeEndpoints('no de=unix:///a.sock'), /is not a host name/);
  });

  it('is checked with the other settings', () => {
    assert.throws(() => loadConfig([], { SLIPWAY_DRIVER: 'swarm' }), /SLIPWAY_DRIVER=swarm needs SLIPWAY_SWARM_MANAGER/);
    assert.throws(() => loadConfig([], { SLIPWAY_DRIVER: 'swarm', SLIPWAY_SWARM_MANAGER: 'tcp://manager' }), /SLIPWAY_SWARM_MANAGER="tcp:\/\/manager": SLIPWAY_SWARM_MANAGER: .*names its port/);
    assert.throws(() => loadConfig([], { SLIPWAY_SWARM_NODES: 'node1' }), /SLIPWAY_SWARM_NODES=.*expected HOSTNAME=ENDPOINT/);
    const config = loadConfig([], { SLIPWAY_DRIVER: 'swarm', SLIPWAY_SWARM_MANAGER: 'unix:///var/run/docker.sock' });
    assert.equal(config.swarmNodes, '*=tcp://{addr}:2376');
  });
});
