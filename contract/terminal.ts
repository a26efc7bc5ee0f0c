// The terminal WebSocket protocol (docs/terminal-protocol.md) as both ends speak it: where the
// sockets are, the JSON control frames each side sends, their limits, the error codes and the
// close codes. Binary frames carry terminal bytes and have no schema. The server parses client
// frames with `clientMessage`; the browser and the tests read server frames with `serverMessage`.
import { z } from 'zod';

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
export const tabNumber = /* @__PURE__ */ z.coerce.number().int().min(1).max(MAX_TABS);

export const terminalTabs = z.object({ tabs: z.array(z.number().int().min(1).max(MAX_TABS)) });
export type TerminalTabs = z.infer<typeof terminalTabs>;

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

export const viewerMode = z.enum(['rw', 'ro']);
export type ViewerMode = z.infer<typeof viewerMode>;

// Schemas the page does not use (the client's frames, which the server parses) are marked pure
// (the union inside a function: the bundler would keep the calls in its arguments), so the
// bundler leaves them out of the lesson page (its JavaScript budget).
const cols = /* @__PURE__ */ z.number().int().min(2).max(1000);
const rows = /* @__PURE__ */ z.number().int().min(1).max(500);
const seq = /* @__PURE__ */ z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// --- client → server ----------------------------------------------------------------------

export const clientMessage = /* @__PURE__ */ (() =>
  z.discriminatedUnion('type', [
    z
      .object({
        type: z.literal('hello'),
        version: z.literal(PROTOCOL_VERSION).optional(),
        cols,
        rows,
        /** Where a client that already shows this terminal left off. */
        resume: z.object({ terminal: z.string().max(64), seq }).strict().optional(),
      })
      .strict(),
    z.object({ type: z.literal('resize'), cols, rows }).strict(),
    /** All output up to this sequence number has been written to the screen. */
    z.object({ type: z.literal('ack'), seq }).strict(),
  ]))();

export type ClientMessage = z.infer<typeof clientMessage>;
export type HelloMessage = Extract<ClientMessage, { type: 'hello' }>;

// --- server → client ----------------------------------------------------------------------

export const exitReason = z.enum(['exited', 'expired', 'sandbox_ended', 'server_stopping']);
export type ExitReason = z.infer<typeof exitReason>;

/** Why a frame was refused (the `code` of an error frame). */
export const terminalErrorCode = z.enum(['bad_json', 'bad_message', 'too_large', 'not_ready', 'out_of_order', 'read_only', 'input_busy', 'unauthorized', 'unavailable']);
export type TerminalErrorCode = z.infer<typeof terminalErrorCode>;

export const serverHello = z.object({
  type: z.literal('hello'),
  version: z.number().int(),
  /** Identifies this shell; a resume for another terminal gets a fresh screen. */
  terminal: z.string(),
  sandboxId: z.string(),
  /** Which of the sandbox's terminals this is (1 to MAX_TABS). */
  tab: z.number().int().min(1).max(MAX_TABS),
  mode: viewerMode,
  /** Sequence number of the first output byte that follows. */
  seq,
  /** True: clear the screen first, what follows is the replay from `seq`. */
  reset: z.boolean(),
  /** Terminal modes in force at `seq` (alternate screen, bracketed paste...), to write before the replay. */
  modes: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
});

export const serverMessage = z.discriminatedUnion('type', [
  serverHello,
  /** Another viewer resized the shell (a read-only view follows it). */
  z.object({ type: z.literal('size'), cols: z.number().int(), rows: z.number().int() }),
  /** The shell ended; the socket closes with CLOSE.exit right after. */
  z.object({ type: z.literal('exit'), code: z.number().int().nullable(), reason: exitReason, message: z.string() }),
  /** A frame was refused; the connection stays open (unless the code says otherwise). */
  z.object({ type: z.literal('error'), code: terminalErrorCode, message: z.string().min(1) }),
]);

export type ServerMessage = z.infer<typeof serverMessage>;
export type ServerHello = z.infer<typeof serverHello>;
export type ExitMessage = Extract<ServerMessage, { type: 'exit' }>;
