#!/usr/bin/env node
// `npm test`: installs and builds what is missing, then runs the whole suite (tests/run.ts).
import { checkNode, ensureDependencies, ensureSite, run } from './prepare.mjs';

checkNode();
ensureDependencies();
ensureSite();
run(process.execPath, ['--import', 'tsx', 'tests/run.ts', ...process.argv.slice(2)]);
