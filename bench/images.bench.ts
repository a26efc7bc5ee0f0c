// Image pack figures: writing every image Slipway needs to one file, checking and loading it
// again, and its size. The engine here already holds the images, so loading skips layers it
// has; on a machine without them loading takes longer (docs/operators.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { exportPack, importPack, neededImages } from '../sandbox-server/images/pack.js';
import { round, type Bench } from './support.js';

const bench: Bench = {
  name: 'image pack',
  async run() {
    const docker = new Docker();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-pack-'));
    const file = path.join(dir, 'images.slipway');
    try {
      let started = performance.now();
      await exportPack(docker, file, await neededImages(docker), () => undefined);
      const exportS = (performance.now() - started) / 1000;
      const mib = fs.statSync(file).size / 1024 / 1024;
      started = performance.now();
      await importPack(docker, file, () => undefined);
      const importS = (performance.now() - started) / 1000;
      return { 'images.pack_export_s': round(exportS, 1), 'images.pack_import_s': round(importS, 1), 'images.pack_mib': Math.round(mib) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
