// Streams a feed channel as server-sent events: the learner's progress and the instructor's
// dashboard both go out through here. Each event gets an id and its type as the event name; a
// comment line now and then keeps proxies from dropping an idle stream; the stream ends when
// the channel closes (the server stopping) and stops following it when the client goes.
import type { Request, Response } from 'express';
import type { ZodType } from 'zod';
import type { Subscription } from '../feed/keyed-channel.js';
import type { Logger } from '../log.js';

/** Proxies drop idle connections; a comment line now and then keeps the stream open. */
const HEARTBEAT_MS = 15_000;

export interface WireEvent {
  type: string;
  data: unknown;
}

export interface StreamSource<E extends WireEvent> {
  /** Starts following the channel; returns the function that stops. */
  follow(subscription: Subscription<E>): () => void;
  /** What a (re)connecting client needs first, read after following starts so nothing falls between. */
  initial(): E[];
  /**
   * The contract's schema of the events, for a stream whose reader does not parse them (the
   * lesson page, which leaves zod out): an event that does not fit is logged and not sent.
   */
  contract?: { schema: ZodType; log: Logger };
}

/**
 * Sends the stream's headers, then the initial events, then each event as it comes. A HEAD
 * request (express routes it to the GET handler) gets the headers and an end: Node sends nothing
 * for HEAD until the response ends, so an open stream would leave the client waiting forever.
 */
export function streamEvents<E extends WireEvent>(req: Request, res: Response, source: StreamSource<E>): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx in front must not buffer the stream.
    'x-accel-buffering': 'no',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.write('retry: 2000\n\n');
  let id = 0;
  const write = (event: E) => {
    const checked = source.contract?.schema.safeParse(event);
    if (checked && !checked.success) {
      source.contract?.log.error({ type: event.type, issues: checked.error.issues }, 'an event does not fit the contract; not sent');
      return;
    }
    res.write(`id: ${++id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  };
  const unfollow = source.follow({ event: write, closed: () => res.end() });
  for (const event of source.initial()) write(event);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  req.on('close', () => {
    clearInterval(heartbeat);
    unfollow();
  });
}
