// The terminal subsystem as the composition root sees it: the hub of shells, the WebSocket
// gateway with its routes, and viewer tokens.
import type http from 'node:http';
import { OWNER_PATH, VIEWER_PATH } from '../../contract/terminal.js';
import type { Logger } from '../log.js';
import type { PromptChannel } from '../feed/prompts.js';
import type { SandboxDriver } from '../sandboxes/driver.js';
import type { Sessions } from '../sessions/sessions.js';
import { ownerAuthorizer, ViewerTokens } from './authorize.js';
import { TerminalGateway, type StatusOf } from './gateway.js';
import { DEFAULT_TERMINAL_OPTIONS, TerminalHub } from './hub.js';

export interface TerminalParts {
  driver: Pick<SandboxDriver, 'openShell'>;
  sessions: Sessions;
  prompts: PromptChannel;
  cookieSecret: string;
  graceMs: number;
  log: Logger;
  /** The learner used the terminal: keeps the sandbox from expiring as idle. */
  touch(sandboxId: string): void;
  /** Why a sandbox ended, or null while it is alive. */
  sandboxEnded(sandboxId: string): string | null;
  /** A shell ended by itself: find out whether its sandbox died with it. */
  checkSandbox?(sandboxId: string, shellExitCode: number | null): Promise<void>;
  /** The HTTP status of a refused handshake's code (the HTTP layer's one map). */
  statusOf: StatusOf;
}

export interface Terminals {
  hub: TerminalHub;
  gateway: TerminalGateway;
  viewerTokens: ViewerTokens;
  /** Serves the terminal routes on this HTTP server. */
  attach(server: http.Server): void;
  /** Closes the sockets and ends every shell. */
  stop(): Promise<void>;
}

export function createTerminals(parts: TerminalParts): Terminals {
  const log = parts.log.child({ component: 'terminal' });
  const hub = new TerminalHub(
    (sandboxId, size) => parts.driver.openShell(sandboxId, size),
    { ...DEFAULT_TERMINAL_OPTIONS, graceMs: parts.graceMs },
    {
      onPrompt: (event) => parts.prompts.emit('prompt', event),
      onActivity: (sandboxId) => parts.touch(sandboxId),
      sandboxEnded: (sandboxId) => parts.sandboxEnded(sandboxId),
      checkSandbox: parts.checkSandbox,
    },
    log,
  );
  const viewerTokens = new ViewerTokens();
  const gateway = new TerminalGateway(hub, log, parts.statusOf)
    .route(OWNER_PATH, ownerAuthorizer(parts.sessions, parts.cookieSecret))
    .route(VIEWER_PATH, viewerTokens.authorizer());
  return {
    hub,
    gateway,
    viewerTokens,
    attach: (server) => gateway.attach(server),
    async stop() {
      gateway.close();
      await hub.stop();
    },
  };
}
