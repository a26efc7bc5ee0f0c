// `compose` checks: Compose labels every container with its project and service, so the
// engine's container list is all that is needed to see a project's services and their state.
import type Docker from 'dockerode';
import type { ComposeCheck } from '../../../lessons/schema.js';
import type { CheckContext } from '../context.js';
import { list, q } from '../describe.js';
import { fail, pass, type Verdict } from '../result.js';
import { allContainers, inspectContainer, statusOf } from './container.js';

const PROJECT = 'com.docker.compose.project';
const SERVICE = 'com.docker.compose.service';

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

/** By service name: the engine lists containers in no fixed order, and messages must not flicker. */
function serviceStates(containers: Docker.ContainerInfo[]): string {
  const sorted = [...containers].sort((a, b) => (a.Labels[SERVICE] ?? '').localeCompare(b.Labels[SERVICE] ?? '') || a.Names[0]!.localeCompare(b.Names[0]!));
  return list(sorted.map((c) => `${c.Labels[SERVICE] ?? '?'} (${statusOf(c)})`));
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
  const running = (service: string) => containers.filter((c) => c.Labels[SERVICE] === service && c.State === 'running');
  for (const service of check.services ?? []) {
    if (running(service).length) score++;
    else {
      const any = containers.filter((c) => c.Labels[SERVICE] === service);
      problems.push(any.length ? `${service} is not running (${statusOf(any[0]!)})` : `it has no service ${service}`);
    }
  }
  for (const service of check.healthy ?? []) {
    const up = running(service);
    if (!up.length) {
      if (!check.services?.includes(service)) problems.push(`${service} is not running`);
      continue;
    }
    const info = await inspectContainer(ctx, up[0]!.Id);
    const health = info.State.Health?.Status;
    if (health === 'healthy') score++;
    else problems.push(health ? `${service} is ${health === 'starting' ? 'still starting (not yet healthy)' : health}` : `${service} has no health check`);
  }
  const name = `Compose project ${q(project)}`;
  if (problems.length) return { score, verdict: fail(`${name} has ${serviceStates(containers)}, but ${problems.join('; ')}.`) };
  return { score, verdict: pass(`${name} runs ${serviceStates(containers)}.`) };
}
