// Shared by `npm start` and `npm test`: make a fresh clone usable without extra commands.
// Plain JavaScript so it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const say = (line) => console.log(`[slipway] ${line}`);

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 6)) {
    console.error(`[slipway] Node ${process.versions.node} is too old: install Node 20.6 or newer (22 LTS recommended).`);
    process.exit(1);
  }
}

export function run(command, args, extraEnv = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...extraEnv } });
  if (result.status !== 0) {
    console.error(`[slipway] "${command} ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

function newestChange(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach((p) => visit(path.join(root, p)));
  return newest;
}

/**
 * Installs when node_modules is missing or older than the lockfile. `npm install`, not `npm ci`:
 * registry mirrors often lack rollup's and esbuild's optional builds for other platforms, which
 * `npm ci` then reports as a lockfile out of sync, while `npm install` skips them as intended.
 */
export function ensureDependencies() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(path.join(root, 'package-lock.json')).mtimeMs) {
    say('installing dependencies (first start only)');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
}

/** astro build when dist/ is missing or older than what it is built from. */
export function ensureSite() {
  const builtStamp = path.join(root, 'dist', 'index.html');
  const inputs = ['src', 'contract', 'lessons', 'public', 'astro.config.mjs', 'package-lock.json'];
  if (!fs.existsSync(builtStamp) || fs.statSync(builtStamp).mtimeMs < newestChange(inputs)) {
    say('building the site');
    // Built beside dist/ and swapped in whole: a server or a test reading dist/ meanwhile (or
    // another build) never meets a half-built site.
    const building = path.join(root, `dist.building-${process.pid}`);
    const old = path.join(root, `dist.old-${process.pid}`);
    try {
      run('npx', ['astro', 'build', '--silent'], { SLIPWAY_SITE_OUT: building });
      if (fs.existsSync(path.join(root, 'dist'))) fs.renameSync(path.join(root, 'dist'), old);
      fs.renameSync(building, path.join(root, 'dist'));
    } finally {
      fs.rmSync(building, { recursive: true, force: true });
      fs.rmSync(old, { recursive: true, force: true });
    }
  }
}
