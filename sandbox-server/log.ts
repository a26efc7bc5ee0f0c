// Structured JSON logs on standard output (pino). Secrets never go through here: the redact
// list covers the places they could otherwise slip in.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'slipway' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.token', '*.password'], censor: '[redacted]' },
  });
}
