// The label of a check: what it expects, in plain words, generated from its fields (unless the
// author wrote a `label`). The checklist shows it before anything is evaluated.
import type { Check, ContainerCheck, ImageCheck } from '../../lessons/schema.js';
import { list, plural, q } from './describe.js';

export function portText(port: string | { container: number; host?: number | undefined; protocol?: string | undefined }): string {
  const p = typeof port === 'string' ? parsePort(port) : { container: port.container, host: port.host, protocol: port.protocol ?? 'tcp' };
  return `${p.host ?? 'any port'}→${p.container}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`;
}

export function parsePort(text: string): { container: number; host?: number; protocol: string } {
  const [ports, protocol = 'tcp'] = text.split('/');
  const parts = ports!.split(':').map(Number);
  return parts.length === 2 ? { host: parts[0]!, container: parts[1]!, protocol } : { container: parts[0]!, protocol };
}

// A pattern is never shown (checks with one carry a label in words); only literal text is.
const matchText = (c: { contains?: string | undefined; matches?: string | undefined }, noun: string): string[] => [
  ...(c.contains !== undefined ? [`${noun} containing ${q(c.contains)}`] : []),
  ...(c.matches !== undefined ? [`${noun} of the expected form`] : []),
];

export function containerSubject(check: Pick<ContainerCheck, 'name' | 'image'>): string {
  if (check.name !== undefined) return `container named ${q(check.name)}`;
  if (check.image !== undefined) return `container from ${check.image}`;
  return 'container';
}

function containerLabel(c: ContainerCheck): string {
  if (c.exists === false) return c.name === undefined && c.image === undefined ? 'No containers at all' : `No ${containerSubject(c)}`;
  const parts: string[] = [];
  if (c.exitCode !== undefined) parts.push(`that exited with code ${c.exitCode}`);
  if (c.ports) parts.push(`publishing ${list(c.ports.map(portText))}`);
  if (c.mounts) parts.push(`with ${list(c.mounts.map((m) => `${m.source ?? (m.type === 'tmpfs' ? 'a tmpfs' : 'a mount')} at ${m.destination}${m.readOnly ? ' (read-only)' : ''}`))}`);
  if (c.env) parts.push(`with ${list(Object.entries(c.env).map(([k, v]) => `${k}=${v}`))}`);
  if (c.networks) parts.push(`on ${list(c.networks)}`);
  if (c.restart) parts.push(`restart policy ${c.restart}`);
  if (c.health) parts.push(c.health === 'none' ? 'without a health check' : `that is ${c.health}`);
  parts.push(...matchText(c.logs ?? {}, 'output'));
  const state = c.state && !(c.state === 'exited' && c.exitCode !== undefined) ? `${c.state === 'created' ? 'created, not started,' : c.state} ` : '';
  return `A ${state}${containerSubject(c)}${parts.length ? ` ${parts.join(', ')}` : ''}`;
}

function imageLabel(c: ImageCheck): string {
  if (c.exists === false) return `No image ${c.name}`;
  const parts: string[] = [];
  if (c.base) parts.push(`built on ${c.base}`);
  if (c.workdir) parts.push(`WORKDIR ${c.workdir}`);
  if (c.user) parts.push(`USER ${c.user}`);
  if (c.env) parts.push(`ENV ${list(Object.entries(c.env).map(([k, v]) => `${k}=${v}`))}`);
  if (c.exposedPorts) parts.push(`EXPOSE ${c.exposedPorts.join(' ')}`);
  if (c.volumes) parts.push(`VOLUME ${c.volumes.join(' ')}`);
  if (c.cmd) parts.push(`CMD ${JSON.stringify(c.cmd)}`);
  if (c.entrypoint) parts.push(`ENTRYPOINT ${JSON.stringify(c.entrypoint)}`);
  if (c.labels) parts.push(`labels ${list(Object.entries(c.labels).map(([k, v]) => `${k}=${v}`))}`);
  if (c.minLayers !== undefined) parts.push(`at least ${plural(c.minLayers, 'layer')}`);
  if (c.maxLayers !== undefined) parts.push(`at most ${plural(c.maxLayers, 'layer')}`);
  if (c.maxSizeMB !== undefined) parts.push(`at most ${c.maxSizeMB} MB`);
  return `An image ${c.name}${parts.length ? ` ${parts.join(', ')}` : ''}`;
}

/** What a check expects, in a short sentence without a final period. */
export function expectation(check: Check): string {
  if (check.label) return check.label;
  switch (check.kind) {
    case 'container':
      return containerLabel(check);
    case 'image':
      return imageLabel(check);
    case 'volume':
      if (check.exists === false) return `No volume named ${q(check.name)}`;
      return [`A volume named ${q(check.name)}`, ...(check.file ? [`holding ${check.file}`] : []), ...matchText(check, 'with content')].join(' ');
    case 'network':
      if (check.exists === false) return `No network named ${q(check.name)}`;
      return [`A ${check.driver ? `${check.driver} ` : ''}network named ${q(check.name)}`, ...(check.containers ? [`with ${list(check.containers)} connected`] : [])].join(' ');
    case 'compose': {
      const project = check.project ? `Compose project ${q(check.project)}` : 'A Compose project';
      if (check.down) return `${project} is down`;
      const parts = [...(check.services ? [`running ${list(check.services)}`] : []), ...(check.healthy ? [`with ${list(check.healthy)} healthy`] : [])];
      return `${project} ${parts.join(', ')}`;
    }
    case 'http': {
      const parts = [`${check.url} answers ${check.status ?? 'with a 2xx status'}`, ...matchText(check, 'with a body'), ...(check.changes ? ['with a different body on each request'] : [])];
      return parts.join(', ');
    }
    case 'file':
      if (check.exists === false) return `No file ${check.path}`;
      return [`A file ${check.path}`, ...matchText(check, 'with content')].join(' ');
    case 'command': {
      const what = check.contains !== undefined ? `${q(check.contains)}` : 'the expected command';
      return `You ran ${what}${check.succeeded === true ? ' and it succeeded' : check.succeeded === false ? ' and it failed' : ''}`;
    }
    case 'script':
      return 'A check script passes';
    case 'all':
      return `All of: ${check.checks.map(expectation).join('; ')}`;
    case 'any':
      return `One of: ${check.checks.map(expectation).join('; or ')}`;
  }
}
