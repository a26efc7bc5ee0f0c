// How many sandboxes this machine can hold, from its free memory, its CPUs and the per-sandbox
// limits, with the computation spelled out for the instructor page (contract/dashboard.ts).
import fs from 'node:fs';
import os from 'node:os';
import type { Capacity } from '../../contract/dashboard.js';
import type { Config } from '../config/config.js';

/** Memory kept for the host, the server and the image mirror. */
export const HOST_RESERVE_BYTES = 1024 ** 3;
/**
 * A sandbox is planned at 40% of its memory limit: the limit is a ceiling that protects
 * the host, and a learner's sandbox running a lesson's compose app uses far less
 * (`classroom.memory_30_active_mib` in bench/results measures it).
 */
export const MEMORY_PLAN_SHARE = 0.4;
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

export function computeCapacity(config: Pick<Config, 'sandboxMemory' | 'sandboxCpus' | 'maxSandboxes'>, live: number, available = availableMemory(), cpus = os.availableParallelism()): Capacity {
  const plan = config.sandboxMemory * MEMORY_PLAN_SHARE;
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
      `memory: (${gib(available)} available + ${live} running × ${gib(plan)} − ${gib(HOST_RESERVE_BYTES)} for the host) ÷ ${gib(plan)} planned per sandbox (${MEMORY_PLAN_SHARE * 100}% of its ${gib(config.sandboxMemory)} limit) = ${byMemory}`,
      `CPU: ${cpus} cores × ${LEARNERS_PER_CORE} learners per core ÷ ${config.sandboxCpus} CPU per sandbox = ${byCpu}`,
      `setting: SLIPWAY_MAX_SANDBOXES = ${bySetting}`,
      `capacity: the smallest, ${total} sandboxes`,
    ],
  };
}
