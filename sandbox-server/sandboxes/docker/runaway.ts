// Stops what a learner's terminal started when it holds the sandbox at its pids limit (a fork
// bomb). From inside nothing can: every new process, `docker exec` included, is refused at the
// limit, and Ctrl-C does not reach a bomb started in the background. From the host it is file
// reads and kill(2): the processes of the sandbox's own cgroup (not its nested containers') that
// belong to a terminal session are killed, the terminal's shell itself spared, so the learner
// keeps their prompt, files, images and containers.
import fs from 'node:fs/promises';
import path from 'node:path';

/** A bomb forks again between our listing and our kill; rounds catch those born meanwhile. */
const MAX_ROUNDS = 30;
const ROUND_PAUSE_MS = 20;

interface ProcessStat {
  pid: number;
  session: number;
  /** Controlling terminal (0 = none). */
  tty: number;
}

/** Kills every process of a terminal session in the cgroup but the sessions' shells; resolves with how many. */
export async function stopTerminalPrograms(cgroupDir: string): Promise<number> {
  let killed = 0;
  const shells = new Set<number>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stats = await processesOf(cgroupDir);
    // A learner's shell is a docker exec on a pty: the leader of its own session, with a terminal.
    for (const p of stats) if (p.pid === p.session && p.tty !== 0) shells.add(p.pid);
    const victims = stats.filter((p) => shells.has(p.session) && !shells.has(p.pid));
    if (victims.length === 0) break;
    for (const { pid } of victims) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // Gone already.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS));
  }
  return killed;
}

async function processesOf(cgroupDir: string): Promise<ProcessStat[]> {
  const procs = await fs.readFile(path.join(cgroupDir, 'cgroup.procs'), 'utf8').catch(() => '');
  const pids = procs.split('\n').filter(Boolean).map(Number);
  const stats = await Promise.all(pids.map((pid) => statOf(pid)));
  return stats.filter((s): s is ProcessStat => s !== undefined);
}

/** /proc/<pid>/stat: "pid (comm) state ppid pgrp session tty_nr ..."; comm may hold spaces and parentheses. */
async function statOf(pid: number): Promise<ProcessStat | undefined> {
  const text = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, session: Number(fields[3]), tty: Number(fields[4]) };
}
