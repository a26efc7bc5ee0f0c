// Bad frames of every kind get an error frame naming the problem; nothing crashes, the
// terminal keeps working, and the server stays healthy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLOSE, LIMITS } from '../../contract/terminal.js';
import { stopAndClean, type TestServer } from '../support/server.js';
import { learnerSession, TermClient } from './support/client.js';
import { startTerminalServer } from './support/server.js';

describe('terminal protocol errors', () => {
  let server: TestServer;
  let cookie: string;

  before(async () => {
    server = await startTerminalServer();
    ({ cookie } = await learnerSession(server.url));
  });
  after(async () => server && stopAndClean(server));

  const nextError = async (client: TermClient, send: () => void, what: string) => {
    const count = client.errors().length;
    send();
    await client.until(`an error frame for ${what}`, () => client.errors().length > count);
    return client.errors()[count]!;
  };

  it('answers frames sent before hello with not_ready', async () => {
    const client = await TermClient.connect(server.url, { cookie, noHello: true });
    assert.equal((await nextError(client, () => client.type('ls\r'), 'early input')).code, 'not_ready');
    assert.equal((await nextError(client, () => client.control({ type: 'ack', seq: 0 }), 'early ack')).code, 'not_ready');
    assert.equal((await nextError(client, () => client.control({ type: 'resize', cols: 80, rows: 24 }), 'early resize')).code, 'not_ready');
    // After all that, a proper hello still works.
    client.control({ type: 'hello', cols: 80, rows: 24 });
    await client.until('the hello', () => client.hello !== undefined);
    await client.close();
  });

  it('answers garbage, malformed, oversized and out-of-order frames with error frames', async () => {
    const client = await TermClient.connect(server.url, { cookie, autoAck: false });
    await client.waitFor(/# $/);
    client.ack();
    const cases: Array<[string, () => void, string, RegExp?]> = [
      ['not JSON', () => client.ws.send('hello there'), 'bad_json'],
      ['invalid UTF-8', () => client.ws.send(Buffer.from([0xff, 0xfe, 0x7b]), { binary: false }), 'bad_json'],
      ['a JSON array', () => client.ws.send('[1,2,3]'), 'bad_message'],
      ['an unknown type', () => client.control({ type: 'dance' }), 'bad_message', /Known types/],
      ['a bad resize', () => client.control({ type: 'resize', cols: -3, rows: 'many' }), 'bad_message', /cols/],
      ['an extra field', () => client.control({ type: 'ack', seq: 1, extra: true }), 'bad_message'],
      ['a huge control frame', () => client.control({ type: 'ack', seq: 1, pad: 'x'.repeat(LIMITS.controlFrameBytes) }), 'too_large'],
      ['a huge input frame', () => client.type(Buffer.alloc(LIMITS.inputFrameBytes + 1, 0x61)), 'too_large'],
      ['a second hello', () => client.control({ type: 'hello', cols: 80, rows: 24 }), 'out_of_order'],
      ['an ack beyond what was sent', () => client.control({ type: 'ack', seq: client.seq + 1000 }), 'out_of_order'],
      ['an ack going backwards', () => client.control({ type: 'ack', seq: 0 }), 'out_of_order'],
    ];
    for (const [what, send, code, message] of cases) {
      const error = await nextError(client, send, what);
      assert.equal(error.code, code, `${what}: ${JSON.stringify(error)}`);
      assert.ok(typeof error.message === 'string' && error.message.length > 10, `${what}: no message`);
      if (message) assert.match(error.message as string, message, what);
    }
    assert.equal(client.closed, undefined, 'the connection was dropped');
    // The terminal still works on the same connection.
    client.ack();
    assert.match(await client.run('echo still-fine-$((6*7))', /still-fine-42\r\n/), /still-fine-42/);
    await client.close();
  });

  it('closes a connection whose frame exceeds the WebSocket limit, and nothing else', async () => {
    const client = await TermClient.connect(server.url, { cookie });
    client.type(Buffer.alloc(LIMITS.maxPayloadBytes + 1, 0x61));
    assert.equal((await client.waitClosed()).code, 1009);
    const other = await TermClient.connect(server.url, { cookie });
    assert.match(await other.run('echo after-huge-$((2+2))', /after-huge-4\r\n/), /after-huge-4/);
    await other.close();
  });

  it('disconnects a client that keeps sending bad frames', async () => {
    const client = await TermClient.connect(server.url, { cookie });
    for (let i = 0; i < LIMITS.errorsBeforeClose + 5; i++) client.ws.send('{');
    assert.equal((await client.waitClosed()).code, CLOSE.protocol);
  });

  it('stays healthy', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const client = await TermClient.connect(server.url, { cookie });
    assert.match(await client.run('echo healthy-$((9*9))', /healthy-81\r\n/), /healthy-81/);
    await client.close();
  });
});
