// `npm run images -- export FILE` writes every image Slipway needs to one file (the image pack);
// `npm run images -- import FILE` checks such a file and loads it, so that `npm start` works on
// this machine with no network. Exits 1 with the reason when the pack is refused.
import Docker from 'dockerode';
import { exportPack, importPack, neededImages, PackError } from './pack.js';

const USAGE = 'Usage: npm run images -- export FILE | import FILE';
const [command, file, ...rest] = process.argv.slice(2);
if (!file || rest.length > 0 || (command !== 'export' && command !== 'import')) {
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
  if (command === 'export') {
    await exportPack(docker, file, await neededImages(docker), progress);
  } else {
    await importPack(docker, file, progress);
    progress('npm start now finds every image here and needs no network for them');
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`[images] ${err instanceof PackError ? '' : 'failed: '}${(err as Error).message}`);
  process.exit(1);
}
