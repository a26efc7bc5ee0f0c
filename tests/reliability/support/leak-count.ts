// Counts what a Slipway installation leaves behind: Docker objects carrying its labels that no
// live sandbox explains, exec sessions and terminal shells still running in its sandboxes, and
// the file descriptors, memory and CPU time of its server process (read in /proc).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import Docker from 'dockerode';
import { LABEL, names } from '../../../sandbox-server/labels.js';

export interface LeakCensus {
  /** Sandbox containers of the instance that belong to no live sandbox in the store. */
  containers: number;
  /** Sandbox volumes likewise. */
  volumes: number;
  /** Networks of the instance beyond its one sandbox network. */
  networks: number;
  /** Per-sandbox folders in the data directory that belong to no live sandbox. */
  socketDirs: number;
  /** Exec sessions running on live sandbox containers beyond the terminals meant to be open. */
  execs: number;
  /** Terminal sessions (processes on a pty) inside live sandboxes beyond the terminals meant to be open. */
  shells: number;
  /** The sandboxes the store calls live, for the record. */
  live: string[];
}

export interface CensusOptions {
  instance: string;
  dataDir: string;
  /**
   * Terminals meant to be open now in each sandbox a learner holds (each is one exec and one
   * pty session): 1 while the learners have their terminal open or within its grace, else 0.
   * A pooled sandbox may always hold one: its shell is opened ahead for the learner who gets it.
   */
  terminalsPerLearner?: number;
  docker?: Docker;
}

/** Sum of every kind of leaked object in a census. */
export const leakedTotal = (c: LeakCensus) => c.containers + c.volumes + c.networks + c.socketDirs + c.execs + c.shells;

/** The sandboxes the server's store holds as live, with their state, read from its SQLite file (WAL allows a reader alongside the server). */
export function liveSandboxes(dataDir: string): Array<{ id: string; state: string }> {
  const db = new Database(path.join(dataDir, 'slipway.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT id, state FROM sandboxes WHERE state IN ('creating','pooled','assigned','active')`).all() as Array<{ id: string; state: string }>;
  } finally {
    db.close();
  }
}

export async function census(options: CensusOptions): Promise<LeakCensus> {
  const docker = options.docker ?? new Docker();
  const { instance, dataDir } = options;
  const live = liveSandboxes(dataDir);
  const isLive = new Set(live.map((row) => row.id));
  const sandboxFilter = JSON.stringify({ label: [`${LABEL.instance}=${instance}`, `${LABEL.role}=sandbox`] });
  const containers = await docker.listContainers({ all: true, filters: sandboxFilter });
  const { Volumes: volumes = [] } = await docker.listVolumes({ filters: sandboxFilter });
  const networks = await docker.listNetworks({ filters: JSON.stringify({ label: [`${LABEL.instance}=${instance}`] }) });
  const socketRoot = path.join(dataDir, 'sandboxes');
  const socketDirs = fs.existsSync(socketRoot) ? fs.readdirSync(socketRoot) : [];

  let execs = 0;
  let shells = 0;
  for (const { id, state } of live) {
    const container = docker.getContainer(names.sandboxContainer(instance, id));
    // Inspect first: the exec that lists processes below would otherwise count itself.
    const info = await container.inspect().catch(() => undefined);
    if (!info?.State.Running) continue;
    const allowed = state === 'pooled' ? 1 : state === 'creating' ? 0 : (options.terminalsPerLearner ?? 0);
    execs += Math.max(0, (info.ExecIDs?.length ?? 0) - allowed);
    shells += Math.max(0, (await terminalSessions(container)) - allowed);
  }
  return {
    containers: containers.filter((c) => !isLive.has(c.Labels[LABEL.sandbox] ?? '')).length,
    volumes: volumes.filter((v) => !isLive.has(v.Labels?.[LABEL.sandbox] ?? '')).length,
    networks: Math.max(0, networks.length - 1),
    socketDirs: socketDirs.filter((id) => !isLive.has(id)).length,
    execs,
    shells,
    live: live.map((row) => row.id),
  };
}

/**
 * Repeats the census until nothing is leaked or `settleMs` passed: a check's exec or a shell
 * being ended at this very moment is in flight, not leaked; a leak is still there later.
 */
export async function settledCensus(options: CensusOptions, settleMs = 20_000): Promise<LeakCensus> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const found = await census(options);
    if (leakedTotal(found) === 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Distinct sessions of processes that have a terminal (pty) inside a sandbox: the learners' shells. */
async function terminalSessions(container: Docker.Container): Promise<number> {
  const exec = await container.exec({ Cmd: ['ps', '-eo', 'sid=,tty='], AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const stdout = new PassThrough();
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const stderr = new PassThrough().resume();
  container.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const sessions = new Set<string>();
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    const [sid, tty] = line.trim().split(/\s+/);
    if (sid && tty && tty !== '?') sessions.add(sid);
  }
  return sessions.size;
}

export interface ProcessSample {
  /** Open file descriptors. */
  fds: number;
  rssBytes: number;
  /** User plus system CPU time so far, in seconds. */
  cpuSeconds: number;
}

let ticksPerSecond: number | undefined;

/** What /proc says about a process now. */
export function sampleProcess(pid: number): ProcessSample {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  // Fields after the command name (which may hold spaces, hence from the last ')'): utime and
  // stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { fds: fs.readdirSync(`/proc/${pid}/fd`).length, rssBytes: rssKib * 1024, cpuSeconds: ticks / ticksPerSecond };
}
