// The terminal WebSocket protocol (docs/terminal-protocol.md) as both ends speak it: where the
// sockets are, the JSON control frames each side sends, their limits, the error codes and the
// close codes (those plain values are in terminal-constants.ts, re-exported here). Binary frames
// carry terminal bytes and have no schema. The server parses client frames with `clientMessage`
// and checks its own frames against `serverMessage` before it sends them; the tests read server
// frames with `serverMessage`. The browser imports only the constants and the types, so the
// lesson page does not ship zod (its JavaScript budget).
import { z } from 'zod';
import { MAX_TABS, PROTOCOL_VERSION } from './terminal-constants.js';

export * from './terminal-constants.js';

export const tabNumber = /* @__PURE__ */ z.coerce.number().int().min(1).max(MAX_TABS);

export const terminalTabs = z.object({ tabs: z.array(z.number().int().min(1).max(MAX_TABS)) });
export type TerminalTabs = z.infer<typeof terminalTabs>;

export const viewerMode = z.enum(['rw', 'ro']);
export type ViewerMode = z.infer<typeof viewerMode>;

// The client's frames, which only the server parses, are marked pure (the union inside a
// function: the bundler would keep the calls in its arguments), so a bundle that imports this
// module for the server's frames leaves them out.
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
