// The editor's figures against a real sandbox, through the HTTP API as the page uses it:
// - save_to_green: from the save request leaving (Ctrl+S) to the step's result arriving on the
//   learner's event stream, for steps whose check reads the saved file;
// - tree_update: from a file made in the sandbox (as `touch` in the terminal would) to the first
//   tree answer that lists it, with the tree asked for as the page does (every 700 ms, one
//   request at a time, not aligned with the file's making);
// - save_ms / read_ms / tree_ms: the API calls alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkspaceTree } from '../contract/workspace-api.js';
import { followStepsDone, percentile, round, startBenchServer, waitUntil, type Bench } from './support.js';

const STEPS = 20;
const TREE_ROUNDS = 20;
/** The page's poll interval (src/components/editor/workspace-editor.ts). */
const TREE_POLL_MS = 700;

function lesson(): string {
  const steps = Array.from({ length: STEPS }, (_, i) => `  - id: s${i}
    title: Write notes/s${i}.txt
    checks:
      - { kind: file, path: notes/s${i}.txt, contains: done-${i} }
    hints: [Save it in the editor.]
    solution: [mkdir -p notes && echo done-${i} > notes/s${i}.txt]`).join('\n');
  return `---\ntitle: Editor bench\ndescription: One file per step.\norder: 1\nsteps:\n${steps}\n---\n`;
}

const bench: Bench = {
  name: 'editor',
  async run() {
    const lessonsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-editor-'));
    fs.mkdirSync(path.join(lessonsDir, 'bench'));
    fs.writeFileSync(path.join(lessonsDir, 'bench', 'index.mdx'), lesson());
    const server = await startBenchServer({ SLIPWAY_LESSONS_DIR: lessonsDir });
    const events = new AbortController();
    try {
      const created = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0]!;
      await fetch(`${server.url}/api/lessons/bench/open`, { method: 'POST', headers: { cookie } });
      const session = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { sandbox: { id: string } };
      const sandbox = session.sandbox.id;

      const arrived = await followStepsDone(server.url, cookie, events.signal);

      const api = (method: string, url: string, body?: string, base = '*') =>
        fetch(`${server.url}${url}`, { method, headers: { cookie, 'content-type': 'text/plain; charset=utf-8', 'if-match': base }, body });
      const green: number[] = [];
      const saves: number[] = [];
      const reads: number[] = [];
      for (let i = 0; i < STEPS; i++) {
        const started = performance.now();
        const saved = await api('PUT', `/api/workspace/file?path=notes/s${i}.txt`, `done-${i}\n`);
        if (!saved.ok) throw new Error(`save ${i}: ${saved.status} ${await saved.text()}`);
        saves.push(performance.now() - started);
        await waitUntil(`s${i} done`, () => arrived.has(`s${i}`), 30_000);
        green.push(arrived.get(`s${i}`)! - started);
        const readStarted = performance.now();
        const read = await api('GET', `/api/workspace/file?path=notes/s${i}.txt`);
        if (!read.ok) throw new Error(`read ${i}: ${read.status}`);
        await read.json();
        reads.push(performance.now() - readStarted);
        await new Promise((r) => setTimeout(r, 100));
      }

      // The page's poller: one tree request at a time, every TREE_POLL_MS.
      const seen = new Map<string, number>();
      const trees: number[] = [];
      let busy = false;
      const poll = setInterval(() => {
        if (busy) return;
        busy = true;
        const started = performance.now();
        void api('GET', '/api/workspace/tree')
          .then((r) => r.json() as Promise<WorkspaceTree>)
          .then((tree) => {
            const now = performance.now();
            trees.push(now - started);
            for (const entry of tree.entries) if (!seen.has(entry.path)) seen.set(entry.path, now);
          })
          .finally(() => (busy = false));
      }, TREE_POLL_MS);
      const treeUpdates: number[] = [];
      try {
        for (let i = 0; i < TREE_ROUNDS; i++) {
          // Not aligned with the poller: a person types at any moment.
          await new Promise((r) => setTimeout(r, 150 + Math.random() * TREE_POLL_MS));
          const file = `made-${i}`;
          const result = await server.driver.exec(sandbox, ['touch', `${server.driver.workspaceOf(sandbox)}/${file}`]);
          if (result.exitCode !== 0) throw new Error(`touch: ${result.stderr}`);
          const made = performance.now();
          await waitUntil(`${file} in the tree`, () => seen.has(file), 10_000);
          treeUpdates.push(seen.get(file)! - made);
        }
      } finally {
        clearInterval(poll);
      }

      return {
        'editor.save_to_green_ms.p50': round(percentile(green, 50)),
        'editor.save_to_green_ms.p95': round(percentile(green, 95)),
        'editor.save_ms.p50': round(percentile(saves, 50)),
        'editor.save_ms.p95': round(percentile(saves, 95)),
        'editor.read_ms.p50': round(percentile(reads, 50)),
        'editor.tree_ms.p50': round(percentile(trees, 50)),
        'editor.tree_update_ms.p50': round(percentile(treeUpdates, 50)),
        'editor.tree_update_ms.p95': round(percentile(treeUpdates, 95)),
      };
    } finally {
      events.abort();
      await server.dispose();
      fs.rmSync(lessonsDir, { recursive: true, force: true });
    }
  },
};

export default bench;
