// A test server whose log lines are kept as objects, for tests that prove what the server logs
// (the lesson, step, exit code and duration of a setup...), not only what it answers.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createSlipwayServer } from '../../sandbox-server/server.js';
import { requireEngine } from './engine.js';
import { testConfig, type TestServer } from './server.js';

export type LogLine = Record<string, unknown> & { msg: string; level: number };

/** Starts a server like startTestServer does, logging at `info` into `lines`. */
export async function startLoggedServer(env: Record<string, string> = {}): Promise<{ server: TestServer; lines: LogLine[] }> {
  await requireEngine();
  const lines: LogLine[] = [];
  const config = testConfig({ LOG_LEVEL: 'info', ...env });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  const server = createSlipwayServer(config, { log: pino({ level: 'info' }, sink) });
  const url = await server.start(() => undefined);
  return { server: Object.assign(server, { url, dataDir: config.dataPath }), lines };
}
