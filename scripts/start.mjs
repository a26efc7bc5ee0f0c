#!/usr/bin/env node
// `npm start`: installs dependencies if missing, builds the site if it changed, then starts the
// server, which prepares images with progress and prints the URL.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkNode, ensureDependencies, ensureSite, root } from './prepare.mjs';

checkNode();
ensureDependencies();
ensureSite();
const { register } = await import('tsx/esm/api');
register();
await import(pathToFileURL(path.join(root, 'sandbox-server', 'main.ts')).href);
