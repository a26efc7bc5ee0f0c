// The start of a server-sent event stream, shared by the learner's and the instructor's.
import type { Request, Response } from 'express';

/**
 * Sends the stream's headers. A HEAD request (express routes it to the GET handler) gets the
 * headers and an end: Node sends nothing for HEAD until the response ends, so an open stream
 * would leave the client waiting forever. Returns false when there is no stream to write to.
 */
export function openEventStream(req: Request, res: Response): boolean {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx in front must not buffer the stream.
    'x-accel-buffering': 'no',
  });
  if (req.method === 'HEAD') {
    res.end();
    return false;
  }
  res.write('retry: 2000\n\n');
  return true;
}
