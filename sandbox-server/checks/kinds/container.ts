// `container` checks: find the container (by name, by image, or the newest), then compare what
// the engine reports with what the step expects, saying every difference. A state passes only
// once it holds (settled.ts); a failure names the nearest miss (nearmiss/) in plain words.
import type Docker from 'dockerode';
import type { ContainerCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { lastLine, list, q, stateAdjective, statePhrase } from '../describe.js';
import { containerSubject, parsePort, portText } from '../expectation.js';
import { containerNameNearMiss, type JudgeByAllButName } from '../nearmiss/container-name.js';
import { missingVariable, wrongValue } from '../nearmiss/env.js';
import { exitMeaning, notRunningNote } from '../nearmiss/exited.js';
import { containerImageNearMiss } from '../nearmiss/image-tag.js';
import { mountedElsewhere, mountSource, otherFolder, readOnlyHint, sourceMatches, wrongMountType, type SeenMount } from '../nearmiss/mounts.js';
import { portNearMiss } from '../nearmiss/ports.js';
import { fail, pass, type Verdict } from '../result.js';
import { confirm, settleRunning, whatChanged } from './settled.js';
import { textFacts, textProblem } from './text.js';

/** Log lines read for `logs` expectations: enough for any lesson, bounded for chatty containers. */
const LOG_TAIL = 2000;

export const nameOf = (c: Docker.ContainerInfo): string => (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');

export function allContainers(ctx: CheckContext): Promise<Docker.ContainerInfo[]> {
  return ctx.memo('containers', () => ctx.engine.listContainers({ all: true }));
}

export function inspectContainer(ctx: CheckContext, id: string): Promise<Docker.ContainerInspectInfo> {
  return ctx.memo(`container:${id}`, () => ctx.engine.getContainer(id).inspect());
}

/** "web (running), job (exited 1 minute ago with code 1)" from list summaries. */
export function summarize(containers: Docker.ContainerInfo[]): string {
  return list(containers.map((c) => `${nameOf(c)} (${statusOf(c)})`));
}

/** The list's status text in our words: "Exited (137) 2 minutes ago" becomes "exited 2 minutes ago with code 137". */
export function statusOf(c: Docker.ContainerInfo): string {
  if (c.State === 'running') {
    const health = /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1];
    return health ? `running, ${health.replace('health: ', '')}` : 'running';
  }
  const exited = /^Exited \((-?\d+)\) (.*)$/.exec(c.Status);
  if (exited) return `exited ${exited[2]!.toLowerCase()} with code ${exited[1]}`;
  if (c.State === 'created') return 'created, never started';
  return c.Status.toLowerCase() || c.State;
}

async function select(check: ContainerCheck, ctx: CheckContext): Promise<Docker.ContainerInfo[]> {
  const all = await allContainers(ctx);
  let found: Docker.ContainerInfo[];
  if (check.name !== undefined) found = all.filter((c) => c.Names.some((n) => n.replace(/^\//, '') === check.name));
  // Docker's own ancestor filter: the image or any image built on it, as `docker ps --filter ancestor=` does.
  else if (check.image !== undefined) found = await ctx.memo(`ancestor:${check.image}`, () => ctx.engine.listContainers({ all: true, filters: { ancestor: [check.image!] } }));
  else found = all;
  return [...found].sort((a, b) => b.Created - a.Created);
}

/** Fields beyond name and state: a container that has them all is "the one", whatever its name. */
const asksMoreThanState = (check: ContainerCheck): boolean =>
  [check.ports, check.mounts, check.env, check.networks, check.logs, check.restart, check.health, check.exitCode].some((field) => field !== undefined);

const viaCompose = (info: Docker.ContainerInspectInfo): boolean => info.Config.Labels?.['com.docker.compose.project'] !== undefined;

export async function checkContainer(check: ContainerCheck, ctx: CheckContext): Promise<Verdict> {
  const found = await select(check, ctx);
  const subject = containerSubject(check);

  if (check.exists === false) {
    if (found.length === 0) return pass(check.name || check.image ? `No ${subject} — it is gone.` : 'The sandbox has no containers.');
    return fail(check.name !== undefined ? `The ${subject} still exists: ${summarize(found.slice(0, 1))}.` : `${found.length === 1 ? 'A' : found.length} ${subject}${found.length === 1 ? ' still exists' : 's still exist'}: ${summarize(found)}.`);
  }

  const wanted = check.state ?? (check.exitCode !== undefined ? 'exited' : undefined);
  const adjective = wanted ? `${stateAdjective[wanted]} ` : '';
  const chosen = found[0];
  if (!chosen) return fail(`No ${adjective}${subject} — ${await missingNearMiss(check, ctx, wanted)}.`);

  let info = await inspectContainer(ctx, chosen.Id);
  const name = info.Name.replace(/^\//, '');
  const who = check.name !== undefined ? `one with that name` : `the newest, ${q(name)},`;
  const the = check.name !== undefined ? `Container ${q(name)}` : `Container ${q(name)} (the newest ${subject})`;

  // Running counts once it has lasted: a foreground command is "running" for milliseconds.
  if (wanted === 'running' && info.State.Running) {
    const [settled] = await settleRunning(ctx, [info]);
    if (!settled!.held) return fail(`No ${adjective}${subject} — ${who} ${whatChanged(info, settled!.info)}${await stoppedNote(ctx, settled!.info)}.`);
    info = settled!.info!;
  }
  if (wanted && info.State.Status !== wanted) {
    return fail(`No ${adjective}${subject} — ${who} ${statePhrase(info.State, ctx.now)}${wanted === 'exited' ? '' : await stoppedNote(ctx, info)}.`);
  }

  const state = statePhrase(info.State, ctx.now);
  const { problems, facts } = await compare(check, ctx, info);
  if (problems.length) return fail(`${the} ${state}, but ${problems.join('; ')}.`);
  if (wanted) {
    // The state must still hold as the check passes, not only when it was first read.
    const [now] = await confirm(ctx, [info]);
    if (!now!.held) return fail(`No ${adjective}${subject} — ${who} ${whatChanged(info, now!.info)}${await stoppedNote(ctx, now!.info)}.`);
  }
  return pass(`${the} ${state}${facts.length ? `, ${facts.join(', ')}` : ''}.`);
}

/** After "exited 3 seconds ago with code 0": what the code means and the last line printed. */
export async function stoppedNote(ctx: CheckContext, info: Docker.ContainerInspectInfo | undefined): Promise<string> {
  if (!info || info.State.Running) return '';
  const wantsOutput = ['exited', 'dead', 'restarting'].includes(info.State.Status);
  // A container removed meanwhile has no output to show; the note then goes without it.
  const printed = wantsOutput ? await readLogs(ctx, info.Id, info.Config.Tty).then(lastLine, () => undefined) : undefined;
  return notRunningNote(info.Name.replace(/^\//, ''), info.State, printed);
}

/** No container was selected: the closest one, or else the list of what there is. */
async function missingNearMiss(check: ContainerCheck, ctx: CheckContext, wanted: string | undefined): Promise<string> {
  const all = [...(await allContainers(ctx))].sort((a, b) => b.Created - a.Created);
  if (all.length === 0) return 'the sandbox has no containers at all';
  const candidates = all.map((c) => ({ id: c.Id, name: nameOf(c), image: c.Image, state: c.State, status: statusOf(c) }));
  let near: string | undefined;
  try {
    near = await closest(check, ctx, wanted, candidates);
  } catch {
    // A container removed while being compared: the plain list says what is there.
  }
  return near ?? thereAre(all);
}

interface Candidate {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
}

async function closest(check: ContainerCheck, ctx: CheckContext, wanted: string | undefined, candidates: Candidate[]): Promise<string | undefined> {
  if (check.name !== undefined) {
    const judge: JudgeByAllButName<Candidate> = async (candidate) => {
      const info = await inspectContainer(ctx, candidate.id);
      if (wanted && info.State.Status !== wanted) return { passed: false, facts: [] };
      const { problems, facts } = await compare(check, ctx, info);
      return { passed: problems.length === 0, facts };
    };
    return containerNameNearMiss(check.name, candidates, asksMoreThanState(check) ? judge : undefined);
  }
  return check.image !== undefined ? containerImageNearMiss(check.image, candidates) : undefined;
}

/** "there are web (running) and job (exited ...)". */
function thereAre(all: Docker.ContainerInfo[]): string {
  return `there ${all.length === 1 ? 'is' : 'are'} ${summarize(all)}`;
}

/** Everything but selection and state: what differs (problems) and what holds (facts). */
async function compare(check: ContainerCheck, ctx: CheckContext, info: Docker.ContainerInspectInfo): Promise<{ problems: string[]; facts: string[] }> {
  const problems: string[] = [];
  const facts: string[] = [];
  const compose = viaCompose(info);

  if (check.exitCode !== undefined && info.State.ExitCode !== check.exitCode) {
    const last = lastLine(await readLogs(ctx, info.Id, info.Config.Tty));
    problems.push(`it exited with code ${info.State.ExitCode}, expected ${check.exitCode}: ${exitMeaning(info.State)}${last ? ` (the last line it printed was ${q(last)})` : ''}`);
  }

  if (check.logs) {
    const text = await readLogs(ctx, info.Id, info.Config.Tty);
    const problem = textProblem(text, check.logs);
    if (problem) {
      const last = lastLine(text);
      problems.push(`its output ${problem} (${last ? `last line: ${q(last)}` : 'it has printed nothing'})`);
    } else facts.push(`its output ${textFacts(check.logs)}`);
  }

  if (check.ports) {
    const published = publishedPorts(info);
    const shown = published.length ? `it publishes ${list(published.map((p) => portText(p)))}` : 'it publishes no ports';
    const missing = check.ports.map((p) => (typeof p === 'string' ? parsePort(p) : { ...p, protocol: p.protocol ?? 'tcp' })).filter(
      (want) => !published.some((p) => p.container === want.container && p.protocol === want.protocol && (want.host === undefined || p.host === want.host)),
    );
    const near = missing.map((want) => portNearMiss(want, published, compose));
    problems.push(...near.filter((n): n is string => n !== undefined));
    const plain = missing.filter((_, i) => near[i] === undefined);
    if (plain.length) problems.push(`${shown}, not ${list(plain.map((p) => portText(p)))}`);
    if (!missing.length) facts.push(`publishing ${list(check.ports.map(portText))}`);
  }

  if (check.mounts) {
    const bad = check.mounts.map((want) => mountProblem(info, want)).filter((p): p is string => p !== undefined);
    problems.push(...bad);
    if (bad.length === 0) facts.push(`with ${list(check.mounts.map((m) => m.destination))} mounted as expected`);
  }

  if (check.env) {
    const env = envOf(info.Config.Env);
    const bad = Object.entries(check.env).flatMap(([key, value]) => {
      const actual = env.get(key);
      if (actual === undefined) return [missingVariable(key, String(value), env) ?? `it has no variable ${key}`];
      return actual === String(value) ? [] : [wrongValue(key, actual, String(value))];
    });
    if (bad.length) problems.push(...bad);
    else facts.push(`with ${list(Object.keys(check.env))} set`);
  }

  if (check.networks) {
    const on = Object.keys(info.NetworkSettings.Networks ?? {});
    const missing = check.networks.filter((n) => !on.includes(n));
    if (missing.length) problems.push(`it is not on ${list(missing)} (${on.length ? `it is on ${list(on)}` : 'it is on no network'})`);
    else facts.push(`on ${list(check.networks)}`);
  }

  if (check.restart) {
    const policy = info.HostConfig.RestartPolicy?.Name || 'no';
    if (policy !== check.restart) problems.push(`its restart policy is ${policy}, expected ${check.restart}`);
    else facts.push(`restart policy ${policy}`);
  }

  if (check.health) {
    const health = info.State.Health?.Status ?? 'none';
    if (health !== check.health) {
      problems.push(health === 'none' ? 'it has no health check' : `its health is ${health}, expected ${check.health}${lastHealthOutput(info)}`);
    } else facts.push(health === 'none' ? 'without a health check' : `health ${health}`);
  }
  return { problems, facts };
}

interface Published {
  container: number;
  host: number;
  protocol: string;
}

/** Actual bindings while running; the configured ones otherwise (a stopped container has none). */
function publishedPorts(info: Docker.ContainerInspectInfo): Published[] {
  const running = info.State.Running ? info.NetworkSettings.Ports : undefined;
  const source = (running ?? info.HostConfig.PortBindings ?? {}) as Record<string, Array<{ HostPort?: string }> | null>;
  const seen = new Map<string, Published>();
  for (const [key, bindings] of Object.entries(source)) {
    const [port, protocol = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) {
      const host = Number(b.HostPort);
      if (!host) continue;
      seen.set(`${host}:${port}/${protocol}`, { container: Number(port), host, protocol });
    }
  }
  return [...seen.values()];
}

function mountProblem(info: Docker.ContainerInspectInfo, want: NonNullable<ContainerCheck['mounts']>[number]): string | undefined {
  const mounts = (info.Mounts ?? []) as SeenMount[];
  const mount = mounts.find((m) => m.Destination === want.destination);
  if (!mount) {
    return mountedElsewhere(want, mounts) ?? `nothing is mounted at ${want.destination}${mounts.length ? ` (its mounts: ${list(mounts.map((m) => m.Destination))})` : ' (it has no mounts)'}`;
  }
  const from = mountSource(mount);
  if (want.type && mount.Type !== want.type) return wrongMountType(want, mount) ?? `${want.destination} is a ${mount.Type} mount (${from}), expected a ${want.type} mount`;
  if (want.source !== undefined && !sourceMatches(mount, want.source)) {
    return otherFolder(want, mount) ?? `${want.destination} is mounted from ${from}, expected ${want.source}`;
  }
  if (want.readOnly !== undefined && want.readOnly === Boolean(mount.RW)) {
    return `${want.destination} is ${mount.RW ? 'writable' : 'read-only'}, expected ${want.readOnly ? 'read-only (:ro)' : 'writable'}${readOnlyHint(want)}`;
  }
  return undefined;
}

export function envOf(env: string[] | null | undefined): Map<string, string> {
  return new Map((env ?? []).map((line) => {
    const at = line.indexOf('=');
    return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
  }));
}

/** The last line the container's latest health check printed, if any. */
export function lastHealthCheckOutput(info: Docker.ContainerInspectInfo): string | undefined {
  const last = info.State.Health?.Log?.at(-1);
  return last ? lastLine(last.Output ?? '') : undefined;
}

function lastHealthOutput(info: Docker.ContainerInspectInfo): string {
  const output = lastHealthCheckOutput(info);
  return output ? ` (last health check: ${q(output)})` : '';
}

/** Container output as text, read once per evaluation. Without a TTY the engine frames each chunk with an 8-byte header. */
function readLogs(ctx: CheckContext, id: string, tty: boolean): Promise<string> {
  return ctx.memo(`logs:${id}`, async () => {
    const raw = (await ctx.engine.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: LOG_TAIL })) as unknown as Buffer;
    if (tty) return raw.toString('utf8');
    const chunks: Buffer[] = [];
    let offset = 0;
    while (offset + 8 <= raw.length) {
      const size = raw.readUInt32BE(offset + 4);
      chunks.push(raw.subarray(offset + 8, offset + 8 + size));
      offset += 8 + size;
    }
    return Buffer.concat(chunks).toString('utf8');
  });
}
