// Helpers to drive a sandbox from tests the way the server does: exec and the inner engine.
import type { SlipwayServer } from '../../sandbox-server/server.js';

/** Runs a shell script in the sandbox and fails the test with its output when it fails. */
export async function sh(server: SlipwayServer, id: string, script: string, timeoutMs = 120_000): Promise<string> {
  const result = await server.driver.exec(id, ['bash', '-c', script], { timeoutMs });
  if (result.exitCode !== 0) {
    throw new Error(`"${script}" exited ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * A fresh session holding a ready sandbox, its engine answering: a sandbox is handed out before
 * its engine starts (sandboxes/lifecycle/engines.ts), and these tests read the engine at once.
 */
export async function newSandbox(server: SlipwayServer): Promise<string> {
  const session = server.sessions.create();
  const row = await server.sessions.ensureSandbox(session);
  await server.manager.engines.start(row.id);
  return row.id;
}
