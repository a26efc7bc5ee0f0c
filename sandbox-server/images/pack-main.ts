// `npm run images -- export FILE` writes every image Slipway needs to one file (the image pack);
// `npm run images -- import FILE` checks such a file and loads it, so that `npm start` works on
// this machine with no network. `npm run images -- add-wheel FILE...` adds wheels and sdists to
// the Python package index sandboxes' pip reaches (packages/wheels.ts), and `remove-wheel
// NAME...` takes them out again. Exits 1 with the reason when the pack or a file is refused.
import Docker from 'dockerode';
import { addDistributions, removeDistributions, WheelError } from '../packages/wheels.js';
import { exportPack, importPack, neededImages, PackError } from './pack.js';

const USAGE = 'Usage: npm run images -- export FILE | import FILE | add-wheel FILE... | remove-wheel NAME...';
const MANY = ['add-wheel', 'remove-wheel'];
const [command, file, ...rest] = process.argv.slice(2);
if (!file || !command || (rest.length > 0 && !MANY.includes(command)) || !['export', 'import', ...MANY].includes(command)) {
  console.error(USAGE);
  process.exit(2);
}
const docker = new Docker();
const progress = (line: string) => console.log(`[images] ${line}`);
const started = Date.now();
try {
  await docker.ping().catch((err: Error) => {
    throw new PackError(`The Docker Engine does not answer (${err.message}). Start it or set DOCKER_HOST.`);
  });
  if (command === 'add-wheel') {
    await addDistributions(docker, [file, ...rest], progress);
    progress('pip in sandboxes and in the builds inside them installs them from the index (pypi.workshop)');
  } else if (command === 'remove-wheel') {
    await removeDistributions(docker, [file, ...rest], progress);
  } else if (command === 'export') {
    await exportPack(docker, file, await neededImages(docker), progress);
  } else {
    await importPack(docker, file, progress);
    progress('npm start now finds every image here and needs no network for them');
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`[images] ${err instanceof PackError || err instanceof WheelError ? '' : 'failed: '}${(err as Error).message}`);
  process.exit(1);
}
