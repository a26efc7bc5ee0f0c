// What a hint opens, checked when a lesson is loaded: a starter file or a file block's file,
// with the line; a malformed link is the schema's error, a missing file or line this check's;
// each names the step, the hint and the link. Lessons are written to a temporary folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileBlockLines } from './hint-targets.js';
import { loadLesson } from './library.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-hints-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function lessonWith(hint: string): string {
  const folder = fs.mkdtempSync(path.join(dir, 'lesson-'));
  fs.mkdirSync(path.join(folder, '_files', 'app'), { recursive: true });
  fs.writeFileSync(path.join(folder, '_files', 'app', 'Dockerfile'), 'FROM debian\nCMD ["true"]\n');
  const frontmatter = ['---', 'title: Hints', 'description: Hints that open files.', 'order: 1', 'steps:', '  - id: one', '    title: One', '    checks:', '      - { kind: file, path: x }', '    hints:', `      - ${JSON.stringify(hint)}`, '    solution: [touch x]', '---'];
  const body = ['', 'Write this:', '', '```yaml title="app/compose.yaml"', 'services:', '  web:', '    build: .', '```', ''];
  const file = path.join(folder, 'index.mdx');
  fs.writeFileSync(file, [...frontmatter, ...body].join('\n'));
  return file;
}

const load = (hint: string) => loadLesson(lessonWith(hint), dir);
const refusal = (hint: string) => {
  try {
    load(hint);
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail(`${hint} was accepted`);
};

describe('hint targets', () => {
  it('accepts a starter file and a file block\'s file, with lines they have', () => {
    assert.equal(load('See [the CMD](open:app/Dockerfile#L2) and [web](open:app/compose.yaml#L3).').lesson.steps[0]!.hints.length, 1);
    assert.equal(load('See [it](open:app/Dockerfile).').slug.startsWith('lesson-'), true);
  });

  it('refuses a file the lesson does not have, or a line past its end', () => {
    assert.match(refusal('See [x](open:app/Dockerfil#L1).'), /steps\[0\]\.hints\[0\]: \[x\]\(open:app\/Dockerfil#L1\): opens "app\/Dockerfil", which is neither one of the lesson's starter files nor written by one of its file blocks/);
    assert.match(refusal('See [x](open:app/Dockerfile#L3).'), /steps\[0\]\.hints\[0\]: \[x\]\(open:app\/Dockerfile#L3\): "app\/Dockerfile" has 2 lines, so there is no line 3/);
    assert.match(refusal('See [x](open:app/compose.yaml#L4).'), /"app\/compose\.yaml" has 3 lines/);
  });

  it('refuses a malformed link through the schema, with the field and its line', () => {
    assert.match(refusal('See [x](open:../x#L1).'), /index\.mdx:11: steps\[0\]\.hints\[0\]: \[x\]\(open:\.\.\/x#L1\): The path "\.\.\/x" goes up with "\.\."/);
    assert.match(refusal('See [x](open:app/Dockerfile#line2).'), /steps\[0\]\.hints\[0\]: .*as L and a number from 1/);
  });

  it('reads the files that file blocks write', () => {
    const blocks = fileBlockLines('a\n```dockerfile title="~/workshop/x/Dockerfile"\nFROM a\nRUN b\n```\n\n````yaml title=c.yaml\nk: v\n````\n```sh\nls\n```\n');
    assert.deepEqual([...blocks], [['x/Dockerfile', 2], ['c.yaml', 1]]);
  });
});
