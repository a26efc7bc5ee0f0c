// The site is built once into dist/ as static files and served by the sandbox server.
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

/**
 * Keeps a code block's meta string (```yaml title="compose.yaml") on its <pre> as data-meta:
 * Shiki drops it otherwise, and the page's code actions read it (a file block's name).
 */
const keepMeta = {
  name: 'slipway-keep-meta',
  pre(node) {
    const raw = this.options.meta?.__raw;
    if (typeof raw === 'string' && raw.trim()) node.properties.dataMeta = raw.trim();
  },
};

export default defineConfig({
  output: 'static',
  // npm start and npm test build into a folder of their own and swap it in (scripts/prepare.mjs).
  outDir: process.env.SLIPWAY_SITE_OUT ?? 'dist',
  integrations: [mdx()],
  markdown: {
    // Light colours inline, dark ones as CSS variables the layout switches to.
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' }, transformers: [keepMeta] },
  },
  devToolbar: { enabled: false },
});
