// `npm run lessons:docs`: rewrites the generated reference in docs/authoring.md.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateAuthoringDoc } from './authoring-doc.js';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'authoring.md');
const before = fs.readFileSync(file, 'utf8');
const after = updateAuthoringDoc(before);
if (after === before) console.log(`${path.relative(process.cwd(), file)} is up to date`);
else {
  fs.writeFileSync(file, after);
  console.log(`updated ${path.relative(process.cwd(), file)}`);
}
