// The machine's capacity for sandboxes, from given memory and CPUs: the smallest of what memory,
// CPUs and the setting allow, running sandboxes counted back in, and the computation spelled out;
// over a swarm's nodes, the sum of what each node holds, CPUs counted as Swarm reserves them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { availableMemory, computeCapacity, computeSpreadCapacity, HOST_RESERVE_BYTES, LEARNERS_PER_CORE, MEASURED_ACTIVE_BYTES, PLAN_OVER_MEASURED, plannedBytes } from './capacity.js';

const GIB = 1024 ** 3;
const config = { sandboxMemory: 1.5 * GIB, sandboxCpus: 1, maxSandboxes: 50 };
const plan = plannedBytes(config.sandboxMemory);

describe('capacity', () => {
  it('plans each sandbox at twice its measured active use, after the host reserve', () => {
    assert.equal(plan, MEASURED_ACTIVE_BYTES * PLAN_OVER_MEASURED);
    const available = 9 * GIB;
    const capacity = computeCapacity(config, 0, available, 64);
    assert.equal(capacity.byMemory, Math.floor((available - HOST_RESERVE_BYTES) / plan));
    assert.equal(capacity.byMemory, 35);
    assert.equal(capacity.total, 35, 'memory is the smallest here');
  });

  it('never plans a sandbox above its memory limit', () => {
    const small = { ...config, sandboxMemory: 128 * 1024 ** 2 };
    assert.equal(plannedBytes(small.sandboxMemory), small.sandboxMemory);
    assert.equal(computeCapacity(small, 0, 9 * GIB, 64).byMemory, 64);
    assert.match(computeCapacity(small, 0, 9 * GIB, 64).computation[0]!, /128 MiB planned per sandbox \(its memory limit\)/);
  });

  it('counts running sandboxes back in: what they use was already taken from the available memory', () => {
    const empty = computeCapacity(config, 0, 9 * GIB, 64);
    const busy = computeCapacity(config, 5, 9 * GIB - 5 * plan, 64);
    assert.equal(busy.byMemory, empty.byMemory);
    assert.equal(busy.live, 5);
  });

  it('is limited by the CPUs: learners per core over CPUs per sandbox', () => {
    const capacity = computeCapacity({ ...config, sandboxCpus: 2 }, 0, 100 * GIB, 2);
    assert.equal(capacity.byCpu, (2 * LEARNERS_PER_CORE) / 2);
    assert.equal(capacity.total, capacity.byCpu);
  });

  it('is limited by SLIPWAY_MAX_SANDBOXES', () => {
    const capacity = computeCapacity({ ...config, maxSandboxes: 3 }, 0, 100 * GIB, 64);
    assert.deepEqual([capacity.total, capacity.bySetting], [3, 3]);
  });

  it('is zero, never negative, when memory is below the host reserve', () => {
    const capacity = computeCapacity(config, 0, HOST_RESERVE_BYTES / 2, 64);
    assert.equal(capacity.byMemory, 0);
    assert.equal(capacity.total, 0);
  });

  it('spells the computation out, ending with the result', () => {
    const capacity = computeCapacity({ ...config, maxSandboxes: 7 }, 2, 9 * GIB, 4);
    assert.equal(capacity.computation.length, 4);
    assert.match(capacity.computation[0]!, /^memory: \(9\.0 GiB available \+ 2 running × 232 MiB − 1\.0 GiB for the host\) ÷ 232 MiB planned per sandbox \(2 × the 116 MiB one running a lesson's app was measured at\) = \d+$/);
    assert.equal(capacity.computation[1], `CPU: 4 cores × ${LEARNERS_PER_CORE} learners per core ÷ 1 CPU per sandbox = ${4 * LEARNERS_PER_CORE}`);
    assert.equal(capacity.computation[2], 'setting: SLIPWAY_MAX_SANDBOXES = 7');
    assert.equal(capacity.computation[3], 'capacity: the smallest, 7 sandboxes');
  });

  it('reads the available memory of this machine as a positive number of bytes', () => {
    const bytes = availableMemory();
    assert.ok(Number.isFinite(bytes) && bytes > 0, String(bytes));
  });

  it("over a swarm's nodes: each node's room by its CPU reservations and its memory, summed", () => {
    const machines = [
      { name: 'node2', cpus: 2, memoryBytes: 24 * GIB },
      { name: 'node3', cpus: 4, memoryBytes: 2 * GIB },
    ];
    const capacity = computeSpreadCapacity(config, 3, machines);
    assert.equal(capacity.byCpu, 2 + 4, 'one sandbox per reserved CPU, no learners-per-core sharing: Swarm refuses past the reservations');
    assert.equal(capacity.byMemory, Math.floor((24 * GIB - HOST_RESERVE_BYTES) / plan) + Math.floor((2 * GIB - HOST_RESERVE_BYTES) / plan));
    assert.equal(capacity.total, 6);
    assert.equal(capacity.live, 3);
    assert.match(capacity.computation.join('\n'), /node2 2 \+ node3 4 = 6/);
    assert.equal(computeSpreadCapacity({ ...config, sandboxCpus: 1.5 }, 0, machines).byCpu, 1 + 2);
    assert.equal(computeSpreadCapacity(config, 0, []).total, 0, 'no node takes sandboxes: no room');
  });
});
