// One typed configuration from environment variables and command-line flags. Every setting is
// declared once here; docs/operators.md lists them and a test keeps the two in step.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseEndpoint, parseNodeEndpoints } from './swarm-endpoints.js';
import { formatDuration, formatSize, parseDuration, parseSize } from './units.js';

const size = (what: string) =>
  z.string().transform((text, ctx) => {
    const bytes = parseSize(text);
    if (bytes === undefined || bytes <= 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what}: expected a size such as 512m or 1.5g, got "${text}"` });
      return z.NEVER;
    }
    return bytes;
  });

const duration = (what: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what}: expected a duration such as 30s, 15m or 4h, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  });

/** A string another parser must accept; its error message is the issue's. */
const parsedBy = (what: string, parse: (text: string) => unknown) =>
  z.string().superRefine((text, ctx) => {
    if (!text.trim()) return;
    try {
      parse(text);
    } catch (err) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what}: ${(err as Error).message}` });
    }
  });

/** "N/window": at most N requests per window, e.g. 300/10m. */
export interface Rate {
  limit: number;
  windowMs: number;
}

const rate = (what: string) =>
  z.string().transform((text, ctx): Rate => {
    const match = /^\s*(\d{1,6})\s*\/\s*(\S+)\s*$/.exec(text);
    const limit = match ? Number(match[1]) : 0;
    const windowMs = match ? parseDuration(match[2]!) : undefined;
    if (!limit || windowMs === undefined || windowMs <= 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what}: expected requests per duration such as 300/10m, got "${text}"` });
      return z.NEVER;
    }
    return { limit, windowMs };
  });

/**
 * A DNS name the previews live under (SLIPWAY_PREVIEW_DOMAIN): a bare host name of two labels or
 * more, with room for a preview's own label in front (a name is at most 253 characters).
 */
const previewDomain = z.string().transform((text, ctx) => {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  const problem = domainProblem(name);
  if (problem) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `SLIPWAY_PREVIEW_DOMAIN: ${problem}, got "${text.slice(0, 300)}"` });
    return z.NEVER;
  }
  return name;
});

/** What is wrong with a preview domain, or undefined (the empty name is: no subdomain mode). */
export function domainProblem(name: string): string | undefined {
  if (name === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(name) || name.includes('/')) return 'a bare host name such as preview.example.org, without a scheme or a path';
  if (name.startsWith('*.')) return 'the domain itself (preview.example.org), without "*."; the previews are its subdomains';
  if (name.includes(':')) return 'a host name without a port: previews are served on the site\'s own port';
  if (/^[0-9.]+$/.test(name)) return 'a DNS name, not an IP address: subdomain mode needs wildcard DNS';
  if (name.length > 189) return 'at most 189 characters, leaving room for a preview\'s label in front';
  const labels = name.split('.');
  if (labels.length < 2) return 'a name of two labels or more (preview.example.org): browsers do not keep cookies apart under a single label';
  const bad = labels.find((label) => !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
  if (bad !== undefined) return `"${bad.slice(0, 70)}" is not a DNS label (letters, digits and inner dashes, 1 to 63 characters)`;
  return undefined;
}

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const boolean = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).transform((v) => ['true', '1', 'yes', 'on'].includes(v));

interface Setting {
  env: string;
  flag: string;
  default: string;
  describe: string;
  schema: z.ZodTypeAny;
}

/** The settings, in the order docs/operators.md shows them. */
export const settings = {
  host: { env: 'HOST', flag: 'host', default: '127.0.0.1', schema: z.string().min(1), describe: 'Address the server listens on. Use 0.0.0.0 to serve a classroom on the local network.' },
  port: { env: 'PORT', flag: 'port', default: '4321', schema: integer(0, 65535), describe: 'TCP port for the site, the API and the terminals (0 picks a free one).' },
  dataDir: { env: 'SLIPWAY_DATA_DIR', flag: 'data-dir', default: 'data', schema: z.string().min(1), describe: 'Folder for the SQLite store, secrets and per-sandbox sockets (relative to the working directory).' },
  lessonsDir: { env: 'SLIPWAY_LESSONS_DIR', flag: 'lessons-dir', default: 'lessons', schema: z.string().min(1), describe: 'Folder of the lessons (MDX files and their starter files) the server checks progress against (relative to the working directory).' },
  instance: { env: 'SLIPWAY_INSTANCE', flag: 'instance', default: 'main', schema: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes, at most 31'), describe: 'Name of this installation; every Docker object it creates is labelled with it, so two installations on one engine never touch each other.' },
  driver: { env: 'SLIPWAY_DRIVER', flag: 'driver', default: 'docker', schema: z.enum(['docker', 'local', 'swarm']), describe: 'Sandbox driver: docker (one isolated Docker-in-Docker container per learner), swarm (the same sandboxes as services of a Docker Swarm, spread over several machines; see SLIPWAY_SWARM_MANAGER) or local (a shell on this machine against its own engine; NOT isolated, for one person on a laptop).' },
  swarmManager: { env: 'SLIPWAY_SWARM_MANAGER', flag: 'swarm-manager', default: '', schema: parsedBy('SLIPWAY_SWARM_MANAGER', parseEndpoint), describe: "Driver swarm: the Engine API of a manager of the swarm, as unix:///var/run/docker.sock (the server runs on the manager), tcp://HOST:2376 (TLS, with SLIPWAY_SWARM_TLS) or ssh://USER@HOST (the server's SSH agent). This process builds images on its own engine (DOCKER_HOST) and copies the sandbox image to the nodes." },
  swarmNodes: { env: 'SLIPWAY_SWARM_NODES', flag: 'swarm-nodes', default: '*=tcp://{addr}:2376', schema: parsedBy('SLIPWAY_SWARM_NODES', parseNodeEndpoints), describe: "Driver swarm: the Engine API of each node that runs sandboxes (commands, terminals and files reach a sandbox only through its node's engine), as HOSTNAME=ENDPOINT entries separated by commas; the entry *=ENDPOINT applies to every node not named, with {addr} (the node's address in the swarm) and {hostname} filled in. Access to a node's API is root on that node: TLS or SSH, never plain TCP." },
  swarmAdvertise: { env: 'SLIPWAY_SWARM_ADVERTISE', flag: 'swarm-advertise', default: '', schema: z.union([z.literal(''), z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'an IPv4 address of this machine, such as 10.0.0.1')]), describe: "Driver swarm: this machine's address that the swarm's nodes reach. The workshop registry lives on this machine; each node's mirror relays its sandboxes' pushes and pulls to it there (port SLIPWAY_MIRROR_PORT), so that an image one learner pushes can be pulled by a learner on another node. Sandboxes cannot reach it themselves. Empty: no workshop registry on the swarm." },
  swarmTls: { env: 'SLIPWAY_SWARM_TLS', flag: 'swarm-tls', default: '', schema: z.string().max(500), describe: 'Driver swarm: folder holding ca.pem, cert.pem and key.pem, the client certificate for tcp:// endpoints (as docker --tlsverify uses them). Required when an endpoint is tcp://.' },
  isolation: { env: 'SLIPWAY_ISOLATION', flag: 'isolation', default: 'auto', schema: z.enum(['auto', 'sysbox', 'privileged', 'capabilities']), describe: 'How sandboxes get the rights a nested engine needs: sysbox (sysbox-runc, unprivileged), privileged (--privileged), capabilities (a trimmed capability set), or auto (sysbox when installed, else the first fallback that works on this host).' },
  images: { env: 'SLIPWAY_IMAGES', flag: 'images', default: 'auto', schema: z.enum(['auto', 'online', 'offline']), describe: 'Where lesson images come from: online (a pull-through cache of Docker Hub), offline (stand-in images built from Debian packages), auto (online when Docker Hub answers, else offline).' },
  debianMirror: { env: 'SLIPWAY_DEBIAN_MIRROR', flag: 'debian-mirror', default: 'http://deb.debian.org/debian', schema: z.string().url(), describe: 'Debian package mirror used to build the sandbox and stand-in images.' },
  packages: { env: 'SLIPWAY_PACKAGES', flag: 'packages', default: 'auto', schema: z.enum(['auto', 'online', 'offline']), describe: "The package caches that answer apt and pip in sandboxes and in the builds inside them (with egress off): online (apt fetches from the Debian mirror, pip from PyPI, and both keep what they fetch), offline (they serve only what they hold and the wheels added with `npm run packages -- add-wheel`; anything else fails at once, saying so), auto (each online when its upstream, the Debian mirror or PyPI, answers at start, else offline)." },
  warmApt: { env: 'SLIPWAY_WARM_APT', flag: 'warm-apt', default: '', schema: z.string().regex(/^\s*([a-z0-9][a-z0-9+.-]*([\s,]+|$))*$/, 'Debian package names separated by spaces or commas, such as "curl, git"'), describe: 'Debian packages fetched into the package cache at start, besides those the lessons declare (`packages: { apt: [...] }`), so that they install offline in class.' },
  mirrorPort: { env: 'SLIPWAY_MIRROR_PORT', flag: 'mirror-port', default: '5000', schema: integer(1, 65535), describe: 'First of five ports on 127.0.0.1: the image mirror (PORT), its read-only view (PORT+1), the workshop registry (PORT+2), the package cache (PORT+3) and the Python package index (PORT+4). Inside sandboxes the workshop registry is registry.workshop:PORT and the Python index pypi.workshop:PORT+4.' },
  poolSize: { env: 'SLIPWAY_POOL_SIZE', flag: 'pool-size', default: '2', schema: integer(0, 200), describe: 'Sandboxes kept started and waiting, so a learner gets one at once.' },
  standby: { env: 'SLIPWAY_STANDBY', flag: 'standby', default: '30', schema: integer(0, 200), describe: "While a workshop runs: sandboxes kept on standby besides the warm ones, their containers started and their Docker Engines not (a few MiB each), so learners nobody pre-warmed for (more than expected, or a workshop started without a warm-up) get a prompt at once; each engine starts when its sandbox is claimed, in turn. Bounded by the machine's capacity; 0 turns standby off." },
  engineStart: { env: 'SLIPWAY_ENGINE_START', flag: 'engine-start', default: 'background', schema: z.enum(['background', 'on-use']), describe: "When a learner's sandbox starts its own Docker Engine. The learner gets a prompt as soon as the sandbox runs, before its engine: background starts the engine right after, in turn; on-use only when the learner first runs docker (an idle learner then costs a few MiB instead of the engine's 30). A `docker` command typed before the engine is up waits for it, first in the queue." },
  engineStarts: { env: 'SLIPWAY_ENGINE_STARTS', flag: 'engine-starts', default: '2', schema: integer(1, 64), describe: 'Sandbox engines started at once: a class arriving together gets its prompts first, then its engines a few at a time (those whose learner already typed a docker command first), rather than all at once on the same cores.' },
  maxSandboxes: { env: 'SLIPWAY_MAX_SANDBOXES', flag: 'max-sandboxes', default: '50', schema: integer(1, 1000), describe: 'Most sandboxes (pooled and in use) this server runs at once.' },
  sandboxMemory: { env: 'SLIPWAY_SANDBOX_MEMORY', flag: 'sandbox-memory', default: '1.5g', schema: size('SLIPWAY_SANDBOX_MEMORY'), describe: 'Memory limit of one sandbox, everything inside it included.' },
  sandboxCpus: { env: 'SLIPWAY_SANDBOX_CPUS', flag: 'sandbox-cpus', default: '1.0', schema: z.coerce.number().positive().max(64), describe: 'CPU limit of one sandbox (1.0 = one core).' },
  sandboxPids: { env: 'SLIPWAY_SANDBOX_PIDS', flag: 'sandbox-pids', default: '1024', schema: integer(64, 1_000_000), describe: 'Most processes one sandbox may run (stops fork bombs).' },
  sandboxDisk: { env: 'SLIPWAY_SANDBOX_DISK', flag: 'sandbox-disk', default: '10g', schema: size('SLIPWAY_SANDBOX_DISK'), describe: "Disk allowance for a sandbox's images, containers and volumes; the learner is warned at 80%, and a sandbox past it is removed before it fills the host." },
  minFreeDisk: { env: 'SLIPWAY_MIN_FREE_DISK', flag: 'min-free-disk', default: '2g', schema: size('SLIPWAY_MIN_FREE_DISK'), describe: 'New sandboxes are refused, with that reason, when the data directory or the engine\'s storage has less free space than this.' },
  sandboxLogSize: { env: 'SLIPWAY_SANDBOX_LOG_SIZE', flag: 'sandbox-log-size', default: '10m', schema: size('SLIPWAY_SANDBOX_LOG_SIZE'), describe: "Largest log file per container, for the sandbox itself and for the learner's containers inside it." },
  sandboxLifetime: { env: 'SLIPWAY_SANDBOX_LIFETIME', flag: 'sandbox-lifetime', default: '4h', schema: duration('SLIPWAY_SANDBOX_LIFETIME'), describe: 'A sandbox is destroyed this long after a learner got it.' },
  sandboxIdleTimeout: { env: 'SLIPWAY_SANDBOX_IDLE_TIMEOUT', flag: 'sandbox-idle-timeout', default: '45m', schema: duration('SLIPWAY_SANDBOX_IDLE_TIMEOUT'), describe: 'A sandbox nobody used for this long is destroyed.' },
  terminalGrace: { env: 'SLIPWAY_TERMINAL_GRACE', flag: 'terminal-grace', default: '15m', schema: duration('SLIPWAY_TERMINAL_GRACE'), describe: "How long a learner's shell lives on after their browser disconnected (reload, Wi-Fi drop); reconnecting within it gets the screen back. Then the shell and its processes are ended." },
  egress: { env: 'SLIPWAY_EGRESS', flag: 'egress', default: 'false', schema: boolean, describe: 'Let sandboxes reach the internet. Off by default: they reach only the image mirror.' },
  noFirewall: { env: 'SLIPWAY_NO_FIREWALL', flag: 'no-firewall', default: 'false', schema: boolean, describe: 'DANGER: run sandboxes WITHOUT their firewall, which otherwise lets them reach only the image mirror on this host. Off by default, and sandboxes are refused when the firewall cannot be applied; set it only where that cannot work and every port this host serves may be reached from every sandbox. /healthz and npm run doctor then say so.' },
  firewallImage: { env: 'SLIPWAY_FIREWALL_IMAGE', flag: 'firewall-image', default: '', schema: z.string().max(200), describe: 'Image of the short-lived helper container that applies the sandbox firewall on the engine\'s host network (it needs sh and iptables). Empty: the sandbox image.' },
  previewPorts: { env: 'SLIPWAY_PREVIEW_PORTS', flag: 'preview-ports', default: '4400-4463', schema: z.union([z.literal('off'), z.string().regex(/^\d{1,5}-\d{1,5}$/, 'a range such as 4400-4463, or off')]), describe: "Ports, on the server's address, that web previews are served on: each preview of a sandbox's port gets one of them as an origin of its own (no wildcard DNS needed), so the range bounds the previews open at once. Reach them as you reach the site (open them in a firewall in front). Not used in subdomain mode (SLIPWAY_PREVIEW_DOMAIN). off: no previews, in either mode." },
  previewDomain: { env: 'SLIPWAY_PREVIEW_DOMAIN', flag: 'preview-domain', default: '', schema: previewDomain, describe: "Subdomain mode, for a server with wildcard DNS: each preview is served at LABEL.DOMAIN (e.g. pq3vd5hx2mkwa7r4c.preview.example.org) on the site's own port instead of a port of its own, so nothing more needs opening and one TLS reverse proxy with a wildcard certificate serves all previews. Needs a DNS record *.DOMAIN pointing at this server. Empty: previews use SLIPWAY_PREVIEW_PORTS." },
  previewMaxBody: { env: 'SLIPWAY_PREVIEW_MAX_BODY', flag: 'preview-max-body', default: '10m', schema: size('SLIPWAY_PREVIEW_MAX_BODY'), describe: 'Largest request body a browser may send to a previewed app.' },
  previewMaxResponse: { env: 'SLIPWAY_PREVIEW_MAX_RESPONSE', flag: 'preview-max-response', default: '512m', schema: size('SLIPWAY_PREVIEW_MAX_RESPONSE'), describe: 'Largest response a previewed app may send; past it the response is cut off.' },
  previewConnections: { env: 'SLIPWAY_PREVIEW_CONNECTIONS', flag: 'preview-connections', default: '32', schema: integer(1, 10_000), describe: "Requests and WebSockets open at once to one sandbox's previews; more get HTTP 429." },
  previewTimeout: { env: 'SLIPWAY_PREVIEW_TIMEOUT', flag: 'preview-timeout', default: '30s', schema: duration('SLIPWAY_PREVIEW_TIMEOUT'), describe: 'A previewed app that sends nothing for this long is cut off (the browser gets a page saying so).' },
  innerSubnet: { env: 'SLIPWAY_INNER_SUBNET', flag: 'inner-subnet', default: '10.251.0.1/24', schema: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/), describe: "Address of the default bridge of each sandbox's inner engine; must not overlap this host's networks." },
  innerPool: { env: 'SLIPWAY_INNER_POOL', flag: 'inner-pool', default: '10.252.0.0/16', schema: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/), describe: "Address pool for networks the learner creates inside a sandbox; must not overlap this host's networks." },
  instructorPassword: { env: 'SLIPWAY_INSTRUCTOR_PASSWORD', flag: 'instructor-password', default: '', schema: z.string().max(200), describe: 'Password for the instructor pages (workshops, live dashboard). Empty: the server prints a one-time instructor link at each start instead. Never logged.' },
  practiceAfterEnd: { env: 'SLIPWAY_PRACTICE_AFTER_END', flag: 'practice-after-end', default: 'false', schema: boolean, describe: "Once a workshop has ended, let its learners (not those removed) get a sandbox again to keep practising, on a lesson page or in the playground; it lives as any sandbox outside a workshop (SLIPWAY_SANDBOX_LIFETIME, SLIPWAY_SANDBOX_IDLE_TIMEOUT). Off by default: after the end a learner gets a summary of what they completed and is told that practice is not offered here." },
  rateJoin: { env: 'SLIPWAY_RATE_JOIN', flag: 'rate-join', default: '300/10m', schema: rate('SLIPWAY_RATE_JOIN'), describe: 'Workshop joins per IP address that add a new learner or fail (a wrong code); a learner rejoining or waiting in the queue never counts. A class behind one NAT shares one address. Over it: HTTP 429 with Retry-After.' },
  rateSandbox: { env: 'SLIPWAY_RATE_SANDBOX', flag: 'rate-sandbox', default: '20/10m', schema: rate('SLIPWAY_RATE_SANDBOX'), describe: "Sandboxes one learner session may create or reset (asking for the sandbox it already has never counts). Over it: HTTP 429 with Retry-After." },
  rateLogin: { env: 'SLIPWAY_RATE_LOGIN', flag: 'rate-login', default: '20/15m', schema: rate('SLIPWAY_RATE_LOGIN'), describe: 'Failed instructor logins per IP address (password guessing); past it every login from that address waits. Over it: HTTP 429 with Retry-After.' },
  logLevel: { env: 'LOG_LEVEL', flag: 'log-level', default: 'info', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), describe: 'Log verbosity (logs are JSON lines on standard output).' },
} satisfies Record<string, Setting>;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> } & {
  /** dataDir made absolute. */
  dataPath: string;
};

export class ConfigError extends Error {}

/** Reads settings from flags (highest priority), then environment variables, then defaults. */
export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  const options = Object.fromEntries(Object.values(settings).map((s) => [s.flag, { type: 'string' as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options, allowPositionals: true, strict: true }).values;
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}. Known flags: ${Object.values(settings).map((s) => `--${s.flag}`).join(', ')}`);
  }
  const result: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(settings) as [string, Setting][]) {
    const fromFlag = flags[setting.flag];
    const raw = typeof fromFlag === 'string' ? fromFlag : (env[setting.env] ?? setting.default);
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) result[key] = parsed.data;
    else {
      const source = typeof fromFlag === 'string' ? `--${setting.flag}` : setting.env;
      problems.push(`${source}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  const config = result as Config;
  if (config.driver === 'swarm' && !config.swarmManager.trim()) {
    throw new ConfigError('Invalid configuration:\n  SLIPWAY_DRIVER=swarm needs SLIPWAY_SWARM_MANAGER, the Engine API of a manager of the swarm (such as unix:///var/run/docker.sock)');
  }
  config.dataPath = path.resolve(config.dataDir);
  return config;
}

const SHOWN_AS_DURATION = new Set<string>(['sandboxLifetime', 'sandboxIdleTimeout', 'previewTimeout']);
/** Settings whose value is never shown (doctor, startup log). */
const SECRET = new Set<string>(['instructorPassword']);
const SHOWN_AS_SIZE = new Set<string>(['sandboxMemory', 'sandboxDisk', 'sandboxLogSize', 'minFreeDisk', 'previewMaxBody', 'previewMaxResponse']);
const SHOWN_AS_RATE = new Set<string>(['rateJoin', 'rateSandbox', 'rateLogin']);

/** The configuration in the units operators write, for `doctor` and the startup log. */
export function describeConfig(config: Config): Array<{ env: string; value: string }> {
  return (Object.entries(settings) as [keyof Settings, Setting][]).map(([key, setting]) => {
    const value = config[key] as unknown;
    if (SECRET.has(key)) return { env: setting.env, value: value ? '(set, hidden)' : '(not set)' };
    if (SHOWN_AS_RATE.has(key)) return { env: setting.env, value: `${(value as Rate).limit}/${formatDuration((value as Rate).windowMs)}` };
    const shown = SHOWN_AS_DURATION.has(key) ? formatDuration(value as number) : SHOWN_AS_SIZE.has(key) ? formatSize(value as number) : String(value);
    return { env: setting.env, value: shown };
  });
}
