#!/usr/bin/env node
// `npm test`: installs and builds what is missing, then runs the suite (tests/run.ts): the fast
// tier of *.spec.ts files, then the engine tier. `npm test -- --fast` runs only the fast tier,
// which needs neither a Docker Engine nor the built site, so the site is not built for it.
import { spawnSync } from 'node:child_process';
import { checkNode, ensureDependencies, ensureSite, root } from './prepare.mjs';

const args = process.argv.slice(2);
checkNode();
ensureDependencies();
if (!args.includes('--fast')) ensureSite();
// Not run(): its failure message would come after the runner's summary, which must stay last.
const result = spawnSync(process.execPath, ['--import', 'tsx', 'tests/run.ts', ...args], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
