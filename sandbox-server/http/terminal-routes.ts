// The learner's terminal tabs over HTTP: which are open (a reloaded page restores each), and
// closing one (its shell ends). The terminals themselves are WebSockets (terminal/gateway.ts).
import { Router } from 'express';
import { tabNumber, TERMINAL_TABS_PATH, type TerminalTabs } from '../../contract/terminal.js';
import type { Sessions } from '../sessions/sessions.js';
import type { TerminalHub } from '../terminal/hub.js';
import { currentSession } from './current-session.js';

export function terminalRoutes(sessions: Sessions, hub: TerminalHub): Router {
  const router = Router();

  router.get(TERMINAL_TABS_PATH, (req, res) => {
    const sandbox = sessions.liveSandbox(currentSession(sessions, req));
    const body: TerminalTabs = { tabs: sandbox ? hub.tabs(sandbox.id) : [] };
    res.json(body);
  });

  router.delete(`${TERMINAL_TABS_PATH}/:tab`, async (req, res) => {
    const session = currentSession(sessions, req);
    const tab = tabNumber.parse(req.params.tab);
    const sandbox = sessions.liveSandbox(session);
    if (sandbox) await hub.close(sandbox.id, tab);
    res.status(204).end();
  });

  return router;
}
