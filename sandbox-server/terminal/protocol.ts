// Reading the terminal protocol's control frames on the server: parses what a client sends
// against the shared contract (contract/terminal.ts, which holds every frame's shape, the limits
// and the close codes) and names what is wrong in a ProtocolError.
import { clientMessage, LIMITS, type ClientMessage, type TerminalErrorCode } from '../../contract/terminal.js';

export class ProtocolError extends Error {
  constructor(
    readonly code: TerminalErrorCode,
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
