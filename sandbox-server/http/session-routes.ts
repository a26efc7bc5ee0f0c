// /api/session: the browser's own learner session and its sandbox.
import { Router, type Request } from 'express';
import { createSessionBody, type Inventory } from '../../contract/session-api.js';
import type { Config } from '../config/config.js';
import { engineNotUpYet, type EngineState } from '../feed/sandboxes.js';
import { readInventory } from '../sandboxes/inventory.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import { sessionIdOf, setSessionCookie } from '../sessions/cookie.js';
import type { Sessions } from '../sessions/sessions.js';
import { HttpError } from './errors.js';
import { limit } from './rate-limits.js';

/** Why a session may not get a sandbox by itself (a workshop's limits), if it may not. */
export type SandboxPolicy = (sessionId: string) => string | undefined;

/** Where a sandbox's engine is (it starts after the prompt). */
export type EngineStateOf = (sandboxId: string) => EngineState;

export function sessionRoutes(
  sessions: Sessions,
  driver: SandboxDriver,
  rates: Pick<Config, 'rateSandbox'>,
  policy: SandboxPolicy = () => undefined,
  engineState: EngineStateOf = () => 'ready',
): Router {
  const router = Router();

  const sessionOf = (req: Request) => {
    const id = sessionIdOf(req);
    return id ? sessions.get(id) : undefined;
  };
  // Creating or resetting a sandbox costs seconds of the engine's work: counted per session,
  // both together. A request without a session is answered 401 below and never counts; nor
  // does asking for the live sandbox the session already has (every lesson page does on load).
  const sandboxLimit = limit(rates.rateSandbox, {
    what: 'new sandboxes for this session',
    key: (req) => `session:${sessionIdOf(req)}`,
    skip: (req) => {
      const session = sessionOf(req);
      return !session || (req.path === '/api/session/sandbox' && sessions.liveSandbox(session) !== undefined);
    },
  });

  const current = (req: Request) => {
    const session = sessionOf(req);
    if (!session) throw new HttpError('no_session', 'No session: create one with POST /api/session first.');
    return session;
  };

  router.post('/api/session', (req, res) => {
    const body = createSessionBody.parse(req.body ?? {});
    const existing = sessionIdOf(req);
    const session = (existing && sessions.get(existing)) || sessions.create(body.displayName ?? null);
    setSessionCookie(res, session.id, req.secure);
    res.status(201).json(sessions.view(session));
  });

  router.get('/api/session', (req, res) => {
    res.json(sessions.view(current(req)));
  });

  const allowed = (sessionId: string) => {
    const refusal = policy(sessionId);
    if (refusal) throw new HttpError('not_allowed', refusal);
  };

  router.post('/api/session/sandbox', sandboxLimit, async (req, res) => {
    const session = current(req);
    if (!sessions.liveSandbox(session)) allowed(session.id);
    await sessions.ensureSandbox(session);
    res.json(sessions.view(sessions.get(session.id)!));
  });

  router.post('/api/session/sandbox/reset', sandboxLimit, async (req, res) => {
    const session = current(req);
    allowed(session.id);
    await sessions.reset(session);
    res.json(sessions.view(sessions.get(session.id)!));
  });

  // What the sandbox's engine holds, for the lesson page's sandbox panel.
  router.get('/api/session/sandbox/inventory', async (req, res) => {
    const session = current(req);
    const sandbox = sessions.liveSandbox(session);
    if (!sandbox) throw new HttpError('no_sandbox', 'This session has no sandbox; get one with POST /api/session/sandbox.');
    try {
      res.json(await readInventory(driver.engine(sandbox.id)));
    } catch (err) {
      // Not up yet is a state of the sandbox, not a fault: the panel says so and waits.
      const notUp = engineNotUpYet(engineState(sandbox.id));
      if (notUp) {
        const empty: Inventory = { containers: [], images: [], volumes: [], networks: [], engine: notUp };
        res.json(empty);
        return;
      }
      throw new HttpError('engine_unavailable', `The sandbox's Docker Engine does not answer (${(err as Error).message}); it restarts by itself, try again in a moment.`);
    }
  });

  return router;
}
