// `compose` checks: Compose labels every container with its project and service, so the
// engine's container list is all that is needed to see a project's services and their state.
// A service counts as running once it has lasted (settled.ts); a failure names the nearest miss
// (another project name, a service spelled differently, why a service stopped or is unhealthy).
import type Docker from 'dockerode';
import type { ComposeCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { list, q } from '../describe.js';
import { missingService, otherProject, unhealthyService } from '../nearmiss/compose.js';
import { fail, pass, type Verdict } from '../result.js';
import { allContainers, inspectContainer, lastHealthCheckOutput, statusOf, stoppedNote } from './container.js';
import { confirm, settleRunning, whatChanged } from './settled.js';

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';
const WORKING_DIR = 'com.docker.compose.project.working_dir';

type Projects = Map<string, Docker.ContainerInfo[]>;

function byProject(containers: Docker.ContainerInfo[]): Projects {
  const projects: Projects = new Map();
  for (const c of containers) {
    const project = c.Labels?.[PROJECT];
    if (project === undefined) continue;
    projects.set(project, [...(projects.get(project) ?? []), c]);
  }
  return projects;
}

/**
 * Each service and its state, by service name: the engine lists containers in no fixed order, and
 * messages must not flicker. Where a container was inspected since the list was read, its health
 * comes from that later look, so a message never says "starting" of a service it judged healthy.
 */
function serviceStates(containers: Docker.ContainerInfo[], inspected?: Map<string, Docker.ContainerInspectInfo>): string {
  const sorted = [...containers].sort((a, b) => (a.Labels[SERVICE] ?? '').localeCompare(b.Labels[SERVICE] ?? '') || a.Names[0]!.localeCompare(b.Names[0]!));
  const state = (c: Docker.ContainerInfo) => {
    const health = inspected?.get(c.Id)?.State.Health?.Status;
    return health && health !== 'none' ? `running, ${health}` : statusOf(c);
  };
  return list(sorted.map((c) => `${c.Labels[SERVICE] ?? '?'} (${state(c)})`));
}

export async function checkCompose(check: ComposeCheck, ctx: CheckContext): Promise<Verdict> {
  const projects = byProject(await allContainers(ctx));
  const named = check.project !== undefined ? `Compose project ${q(check.project)}` : 'a Compose project';

  if (check.down) {
    const networks = await ctx.memo('networks', () => ctx.engine.listNetworks());
    const leftNetworks = networks.filter((n) => n.Labels?.[PROJECT] !== undefined && (check.project === undefined || n.Labels[PROJECT] === check.project));
    const left = check.project !== undefined ? (projects.get(check.project) ?? []) : [...projects.values()].flat();
    if (left.length) return fail(`${check.project !== undefined ? named : 'Compose'} still has containers: ${serviceStates(left)}.`);
    if (leftNetworks.length) return fail(`The containers are gone, but network ${list(leftNetworks.map((n) => q(n.Name)))} is left (docker compose down removes it).`);
    return pass(check.project !== undefined ? `${named} is down: no containers or networks left.` : 'No Compose project has containers or networks left.');
  }

  const candidates = check.project !== undefined ? (projects.has(check.project) ? [check.project] : []) : [...projects.keys()];
  if (candidates.length === 0) {
    const others = [...projects.keys()];
    const near =
      check.project !== undefined
        ? otherProject(
            check.project,
            [...(check.services ?? []), ...(check.healthy ?? [])],
            others.map((name) => {
              const containers = projects.get(name)!;
              return { name, services: containers.map((c) => c.Labels[SERVICE] ?? '?'), workingDir: containers[0]?.Labels[WORKING_DIR] };
            }),
          )
        : undefined;
    if (near) return fail(`No ${named} has containers — ${near}.`);
    return fail(`No ${check.project !== undefined ? `${named}` : 'Compose project'} has containers${others.length ? ` — the projects are ${list(others.map((p) => q(p)))}` : ' — nothing was started with docker compose'}.`);
  }

  // Without a project name, judge each project and report on the one that comes closest.
  let best: { project: string; verdict: Verdict; score: number } | undefined;
  for (const project of candidates) {
    const judged = await judge(project, projects.get(project)!, check, ctx);
    if (!best || judged.score > best.score) best = { project, ...judged };
    if (judged.verdict.passed) return judged.verdict;
  }
  return best!.verdict;
}

async function judge(project: string, containers: Docker.ContainerInfo[], check: ComposeCheck, ctx: CheckContext): Promise<{ verdict: Verdict; score: number }> {
  const problems: string[] = [];
  let score = 0;
  const wanted = new Set([...(check.services ?? []), ...(check.healthy ?? [])]);
  const serviceOf = (c: Docker.ContainerInfo) => c.Labels[SERVICE] ?? '?';

  // Running counts once it has lasted: a service that crashes at start is "running" for a moment.
  const seenRunning = await Promise.all(containers.filter((c) => wanted.has(serviceOf(c)) && c.State === 'running').map((c) => inspectContainer(ctx, c.Id)));
  const settled = await settleRunning(ctx, seenRunning);
  const held = new Map<string, Docker.ContainerInspectInfo>();
  /** Seen running, but not for long: what became of them. */
  const changed = new Map<string, { phrase: string; info: Docker.ContainerInspectInfo | undefined }>();
  settled.forEach((s, i) => {
    const first = seenRunning[i]!;
    if (s.held) held.set(first.Id, s.info!);
    else changed.set(first.Id, { phrase: whatChanged(first, s.info), info: s.info });
  });
  const running = (service: string) => containers.filter((c) => serviceOf(c) === service && held.has(c.Id));

  for (const service of check.services ?? []) {
    if (running(service).length) {
      score++;
      continue;
    }
    const any = containers.filter((c) => serviceOf(c) === service);
    if (!any.length) {
      problems.push(missingService(service, containers.map(serviceOf)));
      continue;
    }
    const first = any[0]!;
    const change = changed.get(first.Id);
    // Removed meanwhile: the status from the list is all there is to say.
    const now = change ? change.info : await inspectContainer(ctx, first.Id).catch(() => undefined);
    problems.push(`${service} is not running (${change?.phrase ?? statusOf(first)})${await stoppedNote(ctx, now)}`);
  }
  for (const service of check.healthy ?? []) {
    const up = running(service);
    if (!up.length) {
      if (!check.services?.includes(service)) problems.push(containers.some((c) => serviceOf(c) === service) ? `${service} is not running` : missingService(service, containers.map(serviceOf)));
      continue;
    }
    const info = held.get(up[0]!.Id)!;
    const health = info.State.Health?.Status;
    if (health === 'healthy') score++;
    else problems.push(unhealthyService(service, health, lastHealthCheckOutput(info)));
  }
  const name = `Compose project ${q(project)}`;
  if (problems.length) return { score, verdict: fail(`${name} has ${serviceStates(containers, held)}, but ${problems.join('; ')}.`) };

  // The services must still be running as the check passes, not only when first read.
  const relied = [...new Set(containers.filter((c) => wanted.has(serviceOf(c)) && held.has(c.Id)).map((c) => c.Id))].map((id) => held.get(id)!);
  const confirmed = await confirm(ctx, relied);
  const lost = confirmed.findIndex((c) => !c.held);
  if (lost >= 0) {
    const info = relied[lost]!;
    return { score, verdict: fail(`${name} has ${serviceStates(containers, held)}, but ${info.Config.Labels?.[SERVICE] ?? info.Name.replace(/^\//, '')} ${whatChanged(info, confirmed[lost]!.info)}.`) };
  }
  return { score, verdict: pass(`${name} runs ${serviceStates(containers, held)}.`) };
}
