// State that holds, not state seen in passing. `docker run --name clock debian date` runs in the
// foreground and is "running" for a few milliseconds; an engine event in that moment triggers
// an evaluation that would see it running. So a running container is believed only once it has
// been up SETTLE_MS (a younger one is read again when it reaches that age, outside the
// evaluation's memo), and a state is read once more right before a check passes on it.
import type Docker from 'dockerode';
import type { CheckContext } from '../context.js';
import { statePhrase } from '../describe.js';

/** How long a container must have been up before "running" counts. Only young containers wait. */
export const SETTLE_MS = 500;

type Inspected = Docker.ContainerInspectInfo;

const isGone = (err: unknown): boolean => (err as { statusCode?: number }).statusCode === 404;

/** A fresh read, bypassing the evaluation's memo; undefined when the container is gone. */
export async function inspectFresh(ctx: CheckContext, id: string): Promise<Inspected | undefined> {
  try {
    return await ctx.engine.getContainer(id).inspect();
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

/** Milliseconds until a running container has been up SETTLE_MS (0 when it has, or is not running). */
export function youngFor(info: Inspected, now = Date.now()): number {
  if (!info.State.Running) return 0;
  const started = Date.parse(info.State.StartedAt);
  if (Number.isNaN(started)) return 0;
  // Bounded: an engine whose clock runs ahead of ours must not make a check wait longer.
  return Math.max(0, Math.min(SETTLE_MS, started + SETTLE_MS - now));
}

/** What happened to a container whose state did not hold, as a verb phrase. */
export function whatChanged(before: Inspected, after: Inspected | undefined, now = Date.now()): string {
  if (!after) return 'was removed a moment ago';
  if (after.State.Status !== before.State.Status) return statePhrase(after.State, now);
  return `started again a moment ago (it keeps restarting; last exit code ${after.State.ExitCode})`;
}

export interface Settled {
  /** The container as it is after settling: the same read when it was old enough. */
  info: Inspected | undefined;
  /** True when the state seen first still holds (same status, same start). */
  held: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For containers seen running: waits until the youngest has been up SETTLE_MS, then reads the
 * young ones again. The others are returned as they were read.
 */
export async function settleRunning(ctx: CheckContext, infos: Inspected[]): Promise<Settled[]> {
  const waits = infos.map((info) => youngFor(info));
  const longest = Math.max(0, ...waits);
  if (longest === 0) return infos.map((info) => ({ info, held: true }));
  await sleep(longest);
  return Promise.all(
    infos.map(async (info, i) => {
      if (waits[i] === 0) return { info, held: true };
      const now = await inspectFresh(ctx, info.Id);
      return { info: now, held: holds(info, now) };
    }),
  );
}

/** True when a second read shows the same state from the same start. */
export function holds(before: Inspected, after: Inspected | undefined): boolean {
  return after !== undefined && after.State.Status === before.State.Status && after.State.StartedAt === before.State.StartedAt;
}

/** Reads the containers once more, right before a check passes on their state. */
export async function confirm(ctx: CheckContext, infos: Inspected[]): Promise<Settled[]> {
  return Promise.all(
    infos.map(async (info) => {
      const now = await inspectFresh(ctx, info.Id);
      return { info: now, held: holds(info, now) };
    }),
  );
}
