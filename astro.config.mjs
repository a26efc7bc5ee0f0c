// The site is built once into dist/ as static files and served by the sandbox server.
import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  outDir: 'dist',
  integrations: [mdx()],
  devToolbar: { enabled: false },
});
