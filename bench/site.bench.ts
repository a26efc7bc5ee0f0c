// JavaScript a lesson page ships: every module its HTML loads, followed through static and
// dynamic imports (the terminal's lazily loaded addons included), gzipped.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { SITE_DIR } from '../sandbox-server/http/app.js';
import { round, type Bench } from './support.js';

const IMPORT = /(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']|import\(\s*["']([^"']+\.js)["']\s*\)/g;

function scriptsOf(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)) found.add(match[1]!);
  // Inline module scripts import their chunks.
  for (const inline of html.matchAll(/<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const match of inline[1]!.matchAll(IMPORT)) found.add(match[1] ?? match[2]!);
  }
  return [...found];
}

export function lessonPageJs(siteDir: string, page: string): { files: number; gzipBytes: number; rawBytes: number } {
  const html = fs.readFileSync(path.join(siteDir, page), 'utf8');
  const seen = new Set<string>();
  const queue = scriptsOf(html).map((src) => path.join(siteDir, src.replace(/^\//, '')));
  let gzipBytes = 0;
  let rawBytes = 0;
  while (queue.length) {
    const file = path.normalize(queue.pop()!);
    if (seen.has(file) || !fs.existsSync(file)) continue;
    seen.add(file);
    const code = fs.readFileSync(file);
    rawBytes += code.length;
    gzipBytes += gzipSync(code, { level: 9 }).length;
    for (const match of code.toString('utf8').matchAll(IMPORT)) {
      const target = match[1] ?? match[2]!;
      queue.push(target.startsWith('/') ? path.join(siteDir, target.slice(1)) : path.resolve(path.dirname(file), target));
    }
  }
  return { files: seen.size, gzipBytes, rawBytes };
}

const bench: Bench = {
  name: 'site',
  async run() {
    const lessonsDir = path.join(SITE_DIR, 'lessons');
    if (!fs.existsSync(lessonsDir)) throw new Error('The site is not built: run npx astro build first.');
    const pages = fs.readdirSync(lessonsDir).map((slug) => path.join('lessons', slug, 'index.html'));
    const sizes = pages.map((page) => lessonPageJs(SITE_DIR, page));
    const largest = sizes.reduce((a, b) => (b.gzipBytes > a.gzipBytes ? b : a));
    return {
      'site.lesson_js_gzip_kb': round(largest.gzipBytes / 1024),
      'site.lesson_js_files': largest.files,
    };
  },
};

export default bench;
