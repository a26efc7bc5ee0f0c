// The one HTTP application: API, health, metrics and the built site, on one port.
import fs from 'node:fs';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import { crossOriginProtection } from './cross-origin.js';
import { refuseShadowedSession, sessionSlot } from './shadowed-cookies.js';
import { errorHandler, notFound } from './errors.js';
import { securityHeaders } from './security-headers.js';

export interface AppParts {
  log: Logger;
  metrics: Metrics;
  cookieSecret: string;
  siteDir: string;
  health: () => Record<string, unknown>;
  routers: express.Router[];
}

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders(parts.siteDir));
  // Before the body is even read: a cross-site POST never reaches a route.
  app.use(crossOriginProtection);
  app.use(express.json({ limit: '64kb', strict: true }));
  app.use(cookieParser(parts.cookieSecret));
  // Only the API and the terminal know the learner; the site's pages are the same for everyone.
  app.use('/api', refuseShadowedSession);
  // The API is same-origin only, so it has no use for OPTIONS; express would otherwise answer one
  // itself with the route's methods, before any guard of that route ran.
  app.use('/api', (req, res, next) => (req.method === 'OPTIONS' ? notFound(req, res, next) : next()));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...parts.health() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(parts.metrics.registry.contentType).send(await parts.metrics.registry.metrics());
  });
  for (const router of parts.routers) app.use(router);
  app.use('/api', notFound);

  if (fs.existsSync(parts.siteDir)) {
    app.use(sessionSlot, express.static(parts.siteDir, { extensions: ['html'], index: 'index.html' }));
  } else {
    parts.log.warn({ siteDir: parts.siteDir }, 'the site is not built; run npm run build');
  }
  app.use(notFound);
  app.use(errorHandler(parts.log));
  return app;
}

export const SITE_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'dist');
