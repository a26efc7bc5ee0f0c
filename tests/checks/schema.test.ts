// The lesson schema, its documentation and the lesson loader: one schema, every field
// described, the guide generated from it, and bad lesson files named precisely.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkKinds, checkSchema, lessonSchema, lessonSlug } from '../../lessons/schema.js';
import { fieldRows, updateAuthoringDoc } from '../../sandbox-server/lessons/authoring-doc.js';
import { checkExamples, lessonExample } from '../../sandbox-server/lessons/examples.js';
import { LessonError, parseLesson } from '../../sandbox-server/lessons/frontmatter.js';
import { LessonLibrary } from '../../sandbox-server/lessons/library.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const lesson = (steps: string) => `---
title: T
description: D
order: 1
steps:
${steps}
---
Body.
`;
const oneStep = (checks: string) =>
  lesson(`  - id: s1
    title: Step one
    checks:
${checks}
    hints: [h]
    solution: ["true"]`);

function problems(source: string): string {
  try {
    parseLesson(source, 'x.mdx');
  } catch (err) {
    assert.ok(err instanceof LessonError, String(err));
    return err.message;
  }
  assert.fail('expected the lesson to be rejected');
}

describe('lesson schema', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-lessons-'));
  after(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('describes every field of the lesson and of every check kind', () => {
    const rows = [...fieldRows(lessonSchema), ...Object.values(checkKinds).flatMap((schema) => fieldRows(schema))];
    assert.ok(rows.length > 60);
    const undescribed = rows.filter((r) => !r.description?.trim()).map((r) => r.path);
    assert.deepEqual(undescribed, []);
    for (const [kind, schema] of Object.entries(checkKinds)) assert.ok(schema.description, `kind ${kind} has no description`);
  });

  it('keeps docs/authoring.md generated from the schema, with a valid example for every check kind', () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'authoring.md'), 'utf8');
    assert.equal(updateAuthoringDoc(doc), doc, 'docs/authoring.md is out of date: run npm run lessons:docs');
    assert.deepEqual(Object.keys(checkExamples).sort(), Object.keys(checkKinds).sort());
    for (const [kind, yaml] of Object.entries(checkExamples)) {
      const checks = parse(yaml) as unknown[];
      assert.ok(Array.isArray(checks) && checks.length > 0, `${kind} example is not a list`);
      for (const check of checks) {
        const parsed = checkSchema.safeParse(check);
        assert.ok(parsed.success, `${kind} example ${JSON.stringify(check)}: ${parsed.success ? '' : parsed.error.message}`);
        assert.equal((check as { kind: string }).kind, kind);
      }
      assert.ok(doc.includes(yaml.trim()), `the ${kind} example is not in the guide`);
    }
    assert.equal(parseLesson(lessonExample, 'example.mdx').steps.length, 2);
  });

  it('rejects unknown fields, misspelt kinds and contradictions, naming the line and the field', () => {
    assert.match(problems(oneStep('      - { kind: container, name: web, exitcode: 1 }')), /^x\.mdx:9: steps\[0\]\.checks\[0\]: unknown field "exitcode"/);
    assert.match(problems(oneStep('      - kind: containr\n        name: web')), /x\.mdx:9: steps\[0\]\.checks\[0\]\.kind: unknown check kind; expected one of container, image/);
    assert.match(problems(oneStep('      - kind: container\n        name: web\n        state: runing')), /x\.mdx:11: steps\[0\]\.checks\[0\]\.state: Invalid enum value/);
    assert.match(problems(oneStep('      - { kind: container, name: web, image: nginx }')), /steps\[0\]\.checks\[0\]\.image: give either name or image, not both/);
    assert.match(problems(oneStep('      - { kind: container, name: web, exists: false, state: running }')), /"exists: false" cannot be combined with state/);
    assert.match(problems(oneStep('      - { kind: volume, name: v, contains: x }')), /steps\[0\]\.checks\[0\]\.file: contains\/matches need the file/);
    assert.match(problems(oneStep('      - { kind: command, succeeded: true }')), /give contains or matches/);
    assert.match(problems(oneStep('      - { kind: compose, project: p }')), /say what to expect/);
    assert.match(problems(oneStep('      - { kind: file, path: a, matches: "(" }')), /matches: not a valid regular expression/);
    assert.match(problems(oneStep('      - { kind: http, url: "localhost:8080" }')), /url: an http:\/\/ or https:\/\/ URL/);
    assert.match(problems(oneStep('      - { kind: any, checks: [{ kind: file, path: a, typo: 1 }] }')), /steps\[0\]\.checks\[0\]\.checks\[0\]: unknown field "typo"/);
    assert.match(problems(lesson('  - { id: a, title: A, checks: [{ kind: file, path: a }], hints: [1, 2, 3, 4], solution: [x] }')), /steps\[0\]\.hints: Array must contain at most 3/);
    assert.match(problems(lesson('  - { id: a, title: A, checks: [{ kind: file, path: a }], hints: [h], solution: [x] }\n  - { id: a, title: B, checks: [{ kind: file, path: b }], hints: [h], solution: [x] }')), /steps\[1\]\.id: step id "a" is used twice/);
    assert.match(problems('no frontmatter here'), /has no frontmatter/);
    assert.match(problems('---\ntitle: T\ndescription: `quoted`\n---\n'), /^x\.mdx:3: invalid YAML: /);
    assert.doesNotThrow(() => parseLesson(oneStep('      - { kind: container, name: web, state: running, ports: ["8080:80", { container: 53, protocol: udp }] }'), 'x.mdx'));
  });

  it('derives slugs the same way for the site and the server', () => {
    assert.equal(lessonSlug('01-hello-containers/index.mdx', {}), 'hello-containers');
    assert.equal(lessonSlug('basics/03_Volumes.mdx', {}), 'volumes');
    assert.equal(lessonSlug('x/index.mdx', { slug: 'custom' }), 'custom');
    const config = fs.readFileSync(path.join(root, 'src', 'content.config.ts'), 'utf8');
    assert.match(config, /from '\.\.\/lessons\/schema\.js'/, 'the content collection imports the shared schema');
    assert.match(config, /schema: lessonSchema/);
    assert.match(config, /generateId: \(\{ entry, data \}\) => lessonSlug\(entry, data\)/);
  });

  it('loads a lessons folder: good lessons, starter files, and a clear error for a bad file', () => {
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(temp, file)), { recursive: true });
      fs.writeFileSync(path.join(temp, file), text);
    };
    write('01-good/index.mdx', oneStep('      - { kind: file, path: a }'));
    write('01-good/_files/a.txt', 'starter');
    write('02-flat.mdx', oneStep('      - { kind: file, path: b }').replace('order: 1', 'order: 2'));
    write('03-bad/index.mdx', oneStep('      - kind: container\n        name: web\n        state: runing'));
    write('04-same/index.mdx', oneStep('      - { kind: file, path: c }').replace('order: 1', 'order: 4\nslug: good'));
    write('_drafts/index.mdx', 'not a lesson');
    const library = new LessonLibrary(temp);
    assert.deepEqual(library.list().map((l) => l.slug), ['good', 'flat']);
    assert.equal(library.get('good')!.filesDir, path.join(temp, '01-good', '_files'));
    assert.equal(library.get('flat')!.filesDir, undefined);
    const found = library.problems();
    assert.equal(found.length, 2);
    assert.match(found[0]!.message, /03-bad\/index\.mdx:11: steps\[0\]\.checks\[0\]\.state: Invalid enum value\. Expected 'created' \| 'running'.*received 'runing'/);
    assert.match(found[1]!.message, /04-same\/index\.mdx: slug: "good" is already the slug of .*01-good\/index\.mdx/);
    // Fixing the file makes the lesson appear.
    write('03-bad/index.mdx', oneStep('      - { kind: container, name: web, state: running }').replace('order: 1', 'order: 3'));
    library.refresh(true);
    assert.deepEqual(library.list().map((l) => l.slug), ['good', 'flat', 'bad']);
  });
});
