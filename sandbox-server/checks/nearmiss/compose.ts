// Compose projects that are nearly right: the services running under another project name
// (Compose names a project after the folder it is started in, so the same compose.yaml started
// from another folder makes another project), a service missing or spelled differently, and a
// service that is not healthy, with what its last health check said.
import { list, q } from '../describe.js';
import { closeName, spellingDifference } from './spelling.js';

export interface SeenProject {
  name: string;
  services: string[];
  /** The folder it was started in (Compose's working_dir label), when known. */
  workingDir?: string | undefined;
}

/** The wanted project has no containers: are its services running under another project name? */
export function otherProject(wanted: string, wantedServices: string[], projects: SeenProject[]): string | undefined {
  const scored = projects
    .map((p) => ({ project: p, shared: wantedServices.filter((s) => p.services.includes(s)).length }))
    .sort((a, b) => b.shared - a.shared);
  const byName = closeName(wanted, projects.map((p) => p.name));
  const best = scored[0] && scored[0].shared > 0 ? scored[0].project : projects.find((p) => p.name === byName);
  if (!best) return undefined;
  const where = best.workingDir ? ` (started in ${best.workingDir})` : '';
  const services = best.services.length ? ` with ${list([...new Set(best.services)].sort())}` : '';
  return `there is project ${q(best.name)}${where}${services}: Compose names a project after the folder it is started in (unless compose.yaml or -p names it), and the step looks for ${q(wanted)}, so start it from the folder the step uses, or with -p ${wanted}`;
}

/** "it has no service db (its services are web and worker)", or the service nearly named so. */
export function missingService(service: string, services: string[]): string {
  const unique = [...new Set(services)].sort();
  const close = closeName(service, unique);
  if (close) return `it has no service ${service} — it has ${close}, which is ${spellingDifference(service, close)}`;
  return `it has no service ${service} (${unique.length ? `its services are ${list(unique)}` : 'it has no services'})`;
}

/** A running service that is not healthy, with its last health check's output when there is one. */
export function unhealthyService(service: string, health: string | undefined, lastCheckOutput: string | undefined): string {
  const said = lastCheckOutput ? `; its last health check said ${q(lastCheckOutput)}` : '';
  if (!health) return `${service} has no health check (a healthcheck: section in compose.yaml, or HEALTHCHECK in its image, gives it one)`;
  if (health === 'starting') return `${service} is still starting (not yet healthy${said})`;
  return `${service} is ${health}${said}`;
}
