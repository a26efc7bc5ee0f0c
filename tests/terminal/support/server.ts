// Terminal tests run their servers under an instance name of their own: a test server's
// reconcile removes every sandbox of its instance that it does not know, so this keeps the
// terminal tests and any other test run on the same engine from removing each other's.
import { startTestServer, TEST_INSTANCE, type TestServer } from '../../support/server.js';

export const TERMINAL_TEST_INSTANCE = `${TEST_INSTANCE}-terminal`;

export function startTerminalServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  return startTestServer({ SLIPWAY_INSTANCE: TERMINAL_TEST_INSTANCE, ...env }, dataDir);
}
