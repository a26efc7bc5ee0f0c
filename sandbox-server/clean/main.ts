// `npm run clean`: removes what a Slipway installation left on the Docker Engine, for an
// operator who is done with it: its sandboxes, volumes and network (with its firewall rules);
// the image mirror and Slipway's images too once no other installation uses them; the data
// folder only when asked. On a swarm, first what it left on the swarm's nodes (swarm.ts). Prints
// each object it removes. Touches nothing without Slipway's labels.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { ConfigError, loadConfig, settings, type Config } from '../config/config.js';
import { installationsOnEngine, listInstallation, removeInstallation } from './installation.js';
import { emptyOutcome, type EngineObject, type Outcome } from './outcome.js';
import { listShared, removeShared } from './shared.js';
import { cleanSwarm } from './swarm.js';

const USAGE = `Usage: npm run clean [-- options]

Removes this installation's sandboxes, volumes and sandbox network from the Docker Engine
(the installation is SLIPWAY_INSTANCE, "main" unless set). The image mirror and Slipway's
images go too when no other installation is left on the engine. With SLIPWAY_DRIVER=swarm (and
the settings the server ran with), first its sandbox services, and on each node that answers what
it left there, its firewall rules and node label, and the node's mirror and images once no other
installation uses them; a node that does not answer is named.

  --instance NAME   clean the installation NAME instead
  --all             clean every Slipway installation on this engine, the mirror and the images
  --data            also delete the data folder (SLIPWAY_DATA_DIR): progress, workshops, secrets
  --dry-run         only list what would be removed
  --help            show this text

Stop the server first (Ctrl-C where npm start runs).`;

interface Request {
  instances: string[];
  /** The installation the configuration names, whose data folder this is. */
  configured: string;
  dataPath: string;
  all: boolean;
  data: boolean;
  dryRun: boolean;
  /** The swarm's settings, when the installation ran on one (SLIPWAY_DRIVER=swarm). */
  swarm: Pick<Config, 'swarmManager' | 'swarmNodes' | 'swarmTls'> | undefined;
}

function readRequest(argv: string[]): Request | undefined {
  const { values } = parseArgs({
    args: argv,
    options: { instance: { type: 'string' }, all: { type: 'boolean' }, data: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) return undefined;
  const config = loadConfig([], process.env);
  if (values.instance !== undefined && values.all) throw new ConfigError('Choose either --instance NAME or --all, not both.');
  if (values.instance !== undefined && !settings.instance.schema.safeParse(values.instance).success) {
    throw new ConfigError(`--instance ${JSON.stringify(values.instance)}: an installation name is lowercase letters, digits and dashes (at most 31), such as main.`);
  }
  const instance = values.instance ?? config.instance;
  if (values.data && instance !== config.instance && !values.all) {
    throw new ConfigError(`--data deletes ${config.dataPath}, the data folder of installation "${config.instance}", not of "${instance}". Run it with SLIPWAY_INSTANCE=${instance} and that installation's SLIPWAY_DATA_DIR.`);
  }
  const swarm = config.driver === 'swarm' ? config : undefined;
  if (swarm && values.all) throw new ConfigError('--all cleans every installation on one engine; on a swarm, name the installation with --instance NAME.');
  return { instances: [instance], configured: config.instance, dataPath: config.dataPath, all: Boolean(values.all), data: Boolean(values.data), dryRun: Boolean(values['dry-run']), swarm };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summary(objects: EngineObject[]): string {
  const words = { service: 'service', container: 'container', volume: 'volume', network: 'network', image: 'image', firewall: 'firewall rule set', label: 'node label', node: 'node' } as const;
  const counts = Object.entries(words).map(([kind, word]) => [word, objects.filter((o) => o.kind === kind).length] as const);
  const parts = counts.filter(([, n]) => n > 0).map(([word, n]) => plural(n, word));
  return parts.length ? parts.join(', ') : 'nothing';
}

/** The data folder is deleted only when it looks like Slipway's own: its store, or nothing at all. */
function removeDataFolder(dataPath: string, dryRun: boolean): string {
  if (!fs.existsSync(dataPath)) return `data folder ${dataPath} does not exist`;
  const entries = fs.readdirSync(dataPath);
  if (entries.length > 0 && !entries.includes('slipway.db')) return `kept ${dataPath}: it holds no slipway.db, so it may not be Slipway's data folder`;
  if (!dryRun) fs.rmSync(dataPath, { recursive: true, force: true });
  return `${dryRun ? 'would delete' : 'deleted'} the data folder ${dataPath}`;
}

/**
 * Sandbox folders in the data folder hold each sandbox's engine socket; with the sandboxes
 * gone they are empty shells, which the next start would otherwise sweep.
 */
function removeSandboxFolders(dataPath: string, dryRun: boolean): number {
  const root = path.join(dataPath, 'sandboxes');
  const folders = fs.existsSync(root) ? fs.readdirSync(root) : [];
  if (!dryRun) for (const folder of folders) fs.rmSync(path.join(root, folder), { recursive: true, force: true });
  return folders.length;
}

async function clean(request: Request): Promise<number> {
  const docker = new Docker();
  await docker.ping().catch((err: Error) => {
    throw new Error(`The Docker Engine does not answer (${err.message}). Start it, or set DOCKER_HOST to the engine Slipway used.`);
  });
  const present = await installationsOnEngine(docker);
  const targets = request.all ? present : request.instances;
  const others = present.filter((name) => !targets.includes(name));
  const verb = request.dryRun ? 'would remove' : 'removed';
  const outcome: Outcome = emptyOutcome();
  const record = (result: Outcome) => {
    outcome.removed.push(...result.removed);
    outcome.failed.push(...result.failed);
  };
  const show = (objects: EngineObject[]) => {
    for (const o of objects) console.log(`  ${verb} ${o.kind} ${o.name} (${o.what})`);
  };

  if (request.swarm) record(await cleanSwarm(request.swarm, { instances: targets, dryRun: request.dryRun, show, say: (line) => console.log(line) }));

  for (const instance of targets) {
    console.log(`Installation "${instance}"${request.swarm ? " on this machine's engine" : ''}:`);
    const objects = await listInstallation(docker, instance);
    if (objects.length === 0) console.log('  nothing on this engine');
    if (request.dryRun) {
      show(objects);
      outcome.removed.push(...objects);
    } else {
      const result = await removeInstallation(docker, instance);
      show(result.removed);
      record(result);
    }
    if (instance === request.configured) {
      const folders = removeSandboxFolders(request.dataPath, request.dryRun);
      if (folders > 0) console.log(`  ${verb} ${plural(folders, 'sandbox folder')} in ${path.join(request.dataPath, 'sandboxes')}`);
    }
  }

  console.log('Shared by every installation on this engine (image mirror, images):');
  if (others.length > 0) {
    console.log(`  kept: installation${others.length === 1 ? '' : 's'} ${others.map((o) => `"${o}"`).join(', ')} still use${others.length === 1 ? 's' : ''} them (npm run clean -- --instance NAME, or --all)`);
  } else {
    const shared = await listShared(docker);
    if (shared.length === 0) console.log('  nothing on this engine');
    if (request.dryRun) {
      show(shared);
      outcome.removed.push(...shared);
    } else {
      const result = await removeShared(docker);
      show(result.removed);
      record(result);
    }
  }

  if (request.data) console.log(removeDataFolder(request.dataPath, request.dryRun));
  for (const f of outcome.failed) console.log(f.kind === 'node' ? `  could not clean node ${f.name}: ${f.reason}` : `  could not remove ${f.kind} ${f.name} (${f.what}): ${f.reason}`);
  console.log(`${request.dryRun ? 'Would remove' : 'Removed'} ${summary(outcome.removed)}.${outcome.failed.length ? ` ${plural(outcome.failed.length, 'object')} could not be removed (above).` : ''}`);
  return outcome.failed.length > 0 ? 1 : 0;
}

try {
  const request = readRequest(process.argv.slice(2));
  if (!request) {
    console.log(USAGE);
    process.exit(0);
  }
  process.exit(await clean(request));
} catch (err) {
  const known = err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(known ? `${(err as Error).message}\n\n${USAGE}` : `npm run clean failed: ${(err as Error).message}`);
  process.exit(2);
}
