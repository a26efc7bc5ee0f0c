// The terminal WebSocket protocol (docs/terminal-protocol.md): binary frames carry terminal
// bytes both ways; JSON text frames carry control. This module is the one place that knows the
// shapes and limits of those frames.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

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

export type ViewerMode = 'rw' | 'ro';

const cols = z.number().int().min(2).max(1000);
const rows = z.number().int().min(1).max(500);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const clientMessage = z.discriminatedUnion('type', [
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
]);

export type ClientMessage = z.infer<typeof clientMessage>;
export type HelloMessage = Extract<ClientMessage, { type: 'hello' }>;

export type ExitReason = 'exited' | 'expired' | 'sandbox_ended' | 'server_stopping';

export type ServerMessage =
  | {
      type: 'hello';
      version: number;
      /** Identifies this shell; a resume for another terminal gets a fresh screen. */
      terminal: string;
      sandboxId: string;
      mode: ViewerMode;
      /** Sequence number of the first output byte that follows. */
      seq: number;
      /** True: clear the screen first, what follows is the replay from `seq`. */
      reset: boolean;
      /** Terminal modes in force at `seq` (alternate screen, bracketed paste...), to write before the replay. */
      modes: string;
      cols: number;
      rows: number;
    }
  | { type: 'size'; cols: number; rows: number }
  | { type: 'exit'; code: number | null; reason: ExitReason; message: string }
  | { type: 'error'; code: ErrorCode; message: string };

export type ErrorCode =
  | 'bad_json'
  | 'bad_message'
  | 'too_large'
  | 'not_ready'
  | 'out_of_order'
  | 'read_only'
  | 'input_busy'
  | 'unauthorized'
  | 'unavailable';

export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Acks are the most frequent frame by far; this exact form skips the general parser. It must
 * accept only valid JSON: no leading zeros ("seq":00 is not JSON, and is refused as bad_json).
 */
const PLAIN_ACK = /^\{"type":"ack","seq":(0|[1-9]\d{0,14})\}$/;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses one JSON control frame or throws a ProtocolError that names what is wrong. */
export function parseControl(data: Buffer): ClientMessage {
  if (data.length < 48) {
    const ack = PLAIN_ACK.exec(data.toString('latin1'));
    if (ack) return { type: 'ack', seq: Number(ack[1]) };
  }
  if (data.length > LIMITS.controlFrameBytes) {
    throw new ProtocolError('too_large', `Control frames are at most ${LIMITS.controlFrameBytes} bytes; this one has ${data.length}.`);
  }
  let json: unknown;
  try {
    // Strict decoding: invalid UTF-8 is refused as such, never read as U+FFFD inside JSON.
    json = JSON.parse(UTF8.decode(data));
  } catch {
    throw new ProtocolError('bad_json', 'A text frame must hold one JSON object, in UTF-8.');
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'message'}: ${i.message}`).join('; ');
    throw new ProtocolError('bad_message', `Not a valid control message (${problems}). Known types: hello, resize, ack.`);
  }
  return parsed.data;
}
