// The terminal protocol's plain values (docs/terminal-protocol.md): where the sockets are, the
// tabs, the limits and the close codes. They live apart from the zod schemas of
// contract/terminal.ts (which re-exports them) so the lesson page can import them without
// shipping zod (the page's JavaScript budget, bench/site.bench.ts).

/** The learner's own terminal (session cookie, read-write). */
export const OWNER_PATH = '/api/session/terminal';
/** A terminal shown through a viewer token (`?token=`), read-only unless the token says otherwise. */
export const VIEWER_PATH = '/api/terminal/view';

export const PROTOCOL_VERSION = 1;

/**
 * A sandbox has up to this many terminals at once, each its own shell (the page's tabs). The
 * query parameter `tab` chooses one on either path: 1 (the default) to MAX_TABS.
 */
export const MAX_TABS = 4;
export const TAB_PARAM = 'tab';
/** GET: the tabs whose shells are open now (a reloaded page restores them); DELETE …/:tab ends one. */
export const TERMINAL_TABS_PATH = '/api/session/terminals';

export const LIMITS = {
  /** Largest JSON control frame a client may send. */
  controlFrameBytes: 4096,
  /** Largest input frame; the browser client splits pastes into 16 KiB frames. */
  inputFrameBytes: 64 * 1024,
  /** Frames above this are refused by the WebSocket layer itself (close 1009), never parsed. */
  maxPayloadBytes: 1024 * 1024,
  /** Input the shell has not taken yet beyond which more input is refused (error input_busy). */
  pendingInputBytes: 1024 * 1024,
  /** A client that keeps sending bad frames is disconnected after this many errors. */
  errorsBeforeClose: 50,
  /** A client must say hello within this time. */
  helloTimeoutMs: 10_000,
} as const;

/** WebSocket close codes, so clients know whether reconnecting makes sense. */
export const CLOSE = {
  /** The shell ended (an exit frame precedes it). Reconnecting starts a new shell. */
  exit: 4000,
  /** This viewer fell further behind than the replay buffer reaches: reconnect to resync. */
  behind: 4009,
  /** Too many protocol errors. */
  protocol: 4400,
  /** No session, no live sandbox, or no right to view it. Reconnecting will not help. */
  unauthorized: 4403,
  /** No hello in time. */
  helloTimeout: 4408,
  /** The shell could not be started (the sandbox may be starting or gone): retry later. */
  unavailable: 4503,
  /** The server is stopping. */
  goingAway: 1001,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];
