// The site is built once into dist/ as static files and served by the sandbox server.
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  outDir: 'dist',
  integrations: [mdx()],
  markdown: {
    // Light colours inline, dark ones as CSS variables the layout switches to.
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } },
  },
  devToolbar: { enabled: false },
});
