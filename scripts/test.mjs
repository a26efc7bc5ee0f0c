#!/usr/bin/env node
// `npm test`: installs and builds what is missing, then runs the whole suite (tests/run.ts).
import { spawnSync } from 'node:child_process';
import { checkNode, ensureDependencies, ensureSite, root } from './prepare.mjs';

checkNode();
ensureDependencies();
ensureSite();
// Not run(): its failure message would come after the runner's summary, which must stay last.
const result = spawnSync(process.execPath, ['--import', 'tsx', 'tests/run.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
