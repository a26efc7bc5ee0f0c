// How many sandboxes this machine can hold, from its free memory, its CPUs and the per-sandbox
// limits, with the computation spelled out for the instructor page (contract/dashboard.ts).
import fs from 'node:fs';
import os from 'node:os';
import type { Capacity } from '../../contract/dashboard.js';
import type { Config } from '../config/config.js';

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

export function computeCapacity(config: Pick<Config, 'sandboxMemory' | 'sandboxCpus' | 'maxSandboxes'>, live: number, available = availableMemory(), cpus = os.availableParallelism()): Capacity {
  const plan = plannedBytes(config.sandboxMemory);
  // Running sandboxes already took their share out of what is available: count it back in.
  const usable = Math.max(0, available + live * plan - HOST_RESERVE_BYTES);
  const byMemory = Math.floor(usable / plan);
  const byCpu = Math.floor((cpus * LEARNERS_PER_CORE) / config.sandboxCpus);
  const bySetting = config.maxSandboxes;
  const total = Math.min(byMemory, byCpu, bySetting);
  return {
    total,
    byMemory,
    byCpu,
    bySetting,
    live,
    computation: [
      `memory: (${gib(available)} available + ${live} running × ${mib(plan)} − ${gib(HOST_RESERVE_BYTES)} for the host) ÷ ${mib(plan)} planned per sandbox (${plan < config.sandboxMemory ? `${PLAN_OVER_MEASURED} × the ${mib(MEASURED_ACTIVE_BYTES)} one running a lesson's app was measured at` : 'its memory limit'}) = ${byMemory}`,
      `CPU: ${cpus} cores × ${LEARNERS_PER_CORE} learners per core ÷ ${config.sandboxCpus} CPU per sandbox = ${byCpu}`,
      `setting: SLIPWAY_MAX_SANDBOXES = ${bySetting}`,
      `capacity: the smallest, ${total} sandboxes`,
    ],
  };
}
