// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line), prints a
// table of figures and merges them into bench/results/latest.json (a flat JSON object).
// `npm run soak` does the same with the long ones, bench/*.soak.ts (leaks, load, faults).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, Figures } from './support.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const soak = process.argv[2] === '--soak';
const wanted = process.argv.slice(soak ? 3 : 2);
const suffix = soak ? '.soak.ts' : '.bench.ts';
const files = fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort();
const selected = files.filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)));
if (selected.length === 0) {
  console.error(`No ${suffix} file matches ${wanted.join(' ')}; there are: ${files.join(', ')}`);
  process.exit(2);
}

const resultsFile = path.join(dir, 'results', 'latest.json');
const results: Figures = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : {};
let failed = false;
for (const file of selected) {
  const bench = (await import(pathToFileURL(path.join(dir, file)).href)).default as Bench;
  console.log(`\n== ${bench.name}`);
  const started = Date.now();
  try {
    const figures = await bench.run();
    Object.assign(results, figures);
    const width = Math.max(...Object.keys(figures).map((k) => k.length));
    for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(width)}  ${value}`);
    console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } catch (err) {
    failed = true;
    console.error(`  FAILED: ${(err as Error).stack ?? err}`);
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify(Object.fromEntries(Object.entries(results).sort()), null, 2) + '\n');
}
console.log(`\nFigures written to ${path.relative(process.cwd(), resultsFile)}`);
process.exit(failed ? 1 : 0);
