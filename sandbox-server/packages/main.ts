// `npm run packages -- add-wheel FILE...` adds wheels and sdists to the Python package index
// sandboxes' pip reaches (wheels.ts); `remove-wheel NAME...` takes them out again. Exits 1 with
// the reason when a file or a name is refused, 2 on a wrong command line.
import Docker from 'dockerode';
import { addDistributions, removeDistributions, WheelError } from './wheels.js';

const USAGE = 'Usage: npm run packages -- add-wheel FILE... | remove-wheel NAME...';
const [command, ...names] = process.argv.slice(2);
if (names.length === 0 || (command !== 'add-wheel' && command !== 'remove-wheel')) {
  console.error(USAGE);
  process.exit(2);
}
const docker = new Docker();
const progress = (line: string) => console.log(`[packages] ${line}`);
const started = Date.now();
try {
  await docker.ping().catch((err: Error) => {
    throw new WheelError(`The Docker Engine does not answer (${err.message}). Start it or set DOCKER_HOST.`);
  });
  if (command === 'add-wheel') {
    await addDistributions(docker, names, progress);
    progress('pip in sandboxes and in the builds inside them installs them from the index (pypi.workshop)');
  } else {
    await removeDistributions(docker, names, progress);
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`[packages] ${err instanceof WheelError ? '' : 'failed: '}${(err as Error).message}`);
  process.exit(1);
}
