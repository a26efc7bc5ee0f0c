// Every HTTP endpoint of the running server, read from the express app's router stack, so that
// a route added later is walked by the security and fuzz tests without anyone listing it.
import type { Express } from 'express';

export interface Endpoint {
  /** GET, POST, PUT, PATCH, DELETE... */
  method: string;
  /** Express path with its parameters: /api/lessons/:slug/open. */
  path: string;
  /** The parameter names in the path, in order. */
  params: string[];
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  slash?: boolean;
  rawPath?: unknown;
}

function walk(stack: Layer[], prefix: string, found: Endpoint[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        if (typeof path !== 'string') throw new Error(`a route with a non-string path (${String(path)}): teach tests/reliability/support/endpoints.ts to read it`);
        const methods = layer.route.methods._all ? ALL_METHODS : Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => m.toUpperCase());
        const full = prefix + path;
        for (const method of methods) if (method !== 'HEAD' && method !== 'OPTIONS') found.push({ method, path: full, params: [...full.matchAll(/:(\w+)/g)].map((m) => m[1]!) });
      }
    } else if (layer.handle?.stack) {
      // A nested router, mounted at rawPath (or at the root when `slash`).
      if (!layer.slash && typeof layer.rawPath !== 'string') throw new Error('a router mounted at a non-string path: teach tests/reliability/support/endpoints.ts to read it');
      walk(layer.handle.stack, layer.slash ? prefix : prefix + (layer.rawPath as string), found);
    }
  }
}

export function endpoints(app: Express): Endpoint[] {
  const router = (app as unknown as { router?: { stack: Layer[] } }).router;
  if (!router) throw new Error('the express app has no router stack (express 5 keeps it as app.router)');
  const found: Endpoint[] = [];
  walk(router.stack, '', found);
  if (found.length < 10) throw new Error(`only ${found.length} endpoints found in the router stack: the walk is broken`);
  return found;
}

/** The path with its parameters filled in; a parameter missing from `values` gets `fallback`. */
export function fill(endpoint: Endpoint, values: Record<string, string>, fallback = 'nothing-here'): string {
  return endpoint.path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? fallback));
}

export const label = (endpoint: Endpoint) => `${endpoint.method} ${endpoint.path}`;
