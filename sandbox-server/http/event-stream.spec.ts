// The event stream's contract check, through real HTTP on loopback: the learner's page reads the
// stream without parsing it (it leaves zod out), so an event that does not fit the contract's
// schema must be logged and left out of the stream, and the events around it still go out.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import express from 'express';
import { pino } from 'pino';
import { learnerEvent, type LearnerEvent } from '../../contract/learner-events.js';
import { KeyedChannel } from '../feed/keyed-channel.js';
import { streamEvents } from './event-stream.js';

/** Reads the stream until `count` events came, and returns their raw blocks. */
function readEvents(url: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        const events = text.split('\n\n').filter((block) => block.includes('event: '));
        if (events.length >= count) {
          request.destroy();
          resolve(events);
        }
      });
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

describe('event stream', () => {
  it('logs and leaves out an event that does not fit the contract, and sends the others', async () => {
    const logged: string[] = [];
    const log = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logged.push(chunk.toString('utf8')), done()) }));
    const channel = new KeyedChannel<LearnerEvent>('learners', log);
    const app = express();
    app.get('/events', (req, res) => {
      streamEvents<LearnerEvent>(req, res, {
        follow: (subscription) => channel.subscribe('s1', subscription),
        initial: () => [],
        contract: { schema: learnerEvent, log },
      });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
      const reading = readEvents(url, 2);
      while (!channel.hasSubscribers()) await new Promise((resolve) => setImmediate(resolve));
      channel.publish('s1', { type: 'sandbox', data: { sandbox: 'first', at: 1 } });
      // A sender's bug the type system would not see (a cast): `at` is no number.
      channel.publish('s1', { type: 'sandbox', data: { sandbox: 'bad', at: 'soon' } } as unknown as LearnerEvent);
      channel.publish('s1', { type: 'sandbox', data: { sandbox: 'last', at: 3 } });
      const events = await reading;
      assert.deepEqual(
        events.map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as unknown),
        [
          { sandbox: 'first', at: 1 },
          { sandbox: 'last', at: 3 },
        ],
      );
      assert.equal(logged.length, 1);
      assert.match(logged[0]!, /does not fit the contract/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
