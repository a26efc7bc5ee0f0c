// How many sandboxes this machine can hold, from its free memory, its CPUs and the per-sandbox
// limits, with the computation spelled out for the instructor page (contract/dashboard.ts); or,
// where a driver spreads sandboxes over other machines (a swarm's nodes), how many those hold.
import fs from 'node:fs';
import os from 'node:os';
import type { Capacity } from '../../contract/dashboard.js';
import type { Config } from '../config/config.js';
import type { Machine } from '../sandboxes/driver.js';

/** Memory kept for the host, the server and the image mirror. */
export const HOST_RESERVE_BYTES = 1024 ** 3;
/**
 * What one sandbox was measured to use while its learner runs lesson 4's compose app (Flask and
 * Redis, its engine included): `classroom.memory_30_active_mib` ÷ 30 in bench/results.
 */
export const MEASURED_ACTIVE_BYTES = 116 * 1024 ** 2;
/**
 * A sandbox is planned at twice that: room for a build under way or a heavier lesson's
 * services (PostgreSQL). Its memory limit stays the ceiling that protects the host; planning at
 * the limit would refuse learners the machine can hold.
 */
export const PLAN_OVER_MEASURED = 2;
/** Learners per CPU core: a sandbox works in bursts (one command at a time), then idles. */
export const LEARNERS_PER_CORE = 16;

/** MemAvailable from /proc/meminfo (what can be used without swapping), else os.freemem(). */
export function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  return os.freemem();
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

/** Memory planned for one sandbox: twice the measured active cost, never above its limit. */
export function plannedBytes(sandboxMemory: number): number {
  return Math.min(sandboxMemory, MEASURED_ACTIVE_BYTES * PLAN_OVER_MEASURED);
}

/**
 * The capacity of machines other than this one (a swarm's nodes): Swarm places a sandbox only
 * where its CPU reservation fits, so CPUs count exactly there; memory is planned as here, per node.
 */
export function computeSpreadCapacity(config: Pick<Config, 'sandboxMemory' | 'sandboxCpus' | 'maxSandboxes'>, live: number, machines: Machine[]): Capacity {
  const plan = plannedBytes(config.sandboxMemory);
  const perMachine = machines.map((m) => ({ name: m.name, byCpu: Math.floor(m.cpus / config.sandboxCpus + 1e-9), byMemory: Math.max(0, Math.floor((m.memoryBytes - HOST_RESERVE_BYTES) / plan)) }));
  const byCpu = perMachine.reduce((sum, m) => sum + m.byCpu, 0);
  const byMemory = perMachine.reduce((sum, m) => sum + m.byMemory, 0);
  return smallest({ byMemory, byCpu, bySetting: config.maxSandboxes, live }, [
    `nodes taking sandboxes: ${machines.map((m) => `${m.name} (${m.cpus} CPUs, ${gib(m.memoryBytes)})`).join(', ') || 'none'}`,
    `CPU: each sandbox reserves ${config.sandboxCpus} CPU: ${perMachine.map((m) => `${m.name} ${m.byCpu}`).join(' + ') || '0'} = ${byCpu}`,
    `memory: per node (its memory − ${gib(HOST_RESERVE_BYTES)}) ÷ ${mib(plan)} planned per sandbox: ${perMachine.map((m) => `${m.name} ${m.byMemory}`).join(' + ') || '0'} = ${byMemory}`,
  ]);
}

/** The capacity: the smallest of what memory, CPUs and the setting allow, with the lines that show how. */
function smallest(bounds: Omit<Capacity, 'total' | 'computation'>, lines: string[]): Capacity {
  const total = Math.min(bounds.byMemory, bounds.byCpu, bounds.bySetting);
  return { total, ...bounds, computation: [...lines, `setting: SLIPWAY_MAX_SANDBOXES = ${bounds.bySetting}`, `capacity: the smallest, ${total} sandboxes`] };
}

export function computeCapacity(config: Pick<Config, 'sandboxMemory' | 'sandboxCpus' | 'maxSandboxes'>, live: number, available = availableMemory(), cpus = os.availableParallelism()): Capacity {
  const plan = plannedBytes(config.sandboxMemory);
  // Running sandboxes already took their share out of what is available: count it back in.
  const usable = Math.max(0, available + live * plan - HOST_RESERVE_BYTES);
  const byMemory = Math.floor(usable / plan);
  const byCpu = Math.floor((cpus * LEARNERS_PER_CORE) / config.sandboxCpus);
  return smallest({ byMemory, byCpu, bySetting: config.maxSandboxes, live }, [
    `memory: (${gib(available)} available + ${live} running × ${mib(plan)} − ${gib(HOST_RESERVE_BYTES)} for the host) ÷ ${mib(plan)} planned per sandbox (${plan < config.sandboxMemory ? `${PLAN_OVER_MEASURED} × the ${mib(MEASURED_ACTIVE_BYTES)} one running a lesson's app was measured at` : 'its memory limit'}) = ${byMemory}`,
    `CPU: ${cpus} cores × ${LEARNERS_PER_CORE} learners per core ÷ ${config.sandboxCpus} CPU per sandbox = ${byCpu}`,
  ]);
}
